import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { ConfigError } from '../../errors';
import { sessionContexts } from './contexts';
import { metadataValue, metadataValues, walkOptionsFor } from './request-metadata';
import { walkContext } from '../../fsutil/walk';

describe('sessionContexts', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-proj-'));
  fs.mkdirSync(path.join(project, 'weights'));

  it('resolves project-relative contexts and keeps their patterns', () => {
    expect(sessionContexts(project, { context: { path: '.', exclude: ['.git'] }, weights: { path: 'weights', exclude: [], include: ['*.bin'] } })).toEqual({
      context: { dir: project, exclude: ['.git'] },
      weights: { dir: path.join(project, 'weights'), exclude: [], include: ['*.bin'] },
    });
  });

  it.each([['../elsewhere'], ['..'], ['/etc'], ['missing']])('rejects %s as a config error', (p) => {
    expect(() => sessionContexts(project, { c: { path: p, exclude: [] } })).toThrow(ConfigError);
  });

  it('serves a directory outside the project only when a command-line flag named it', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-sdk-'));
    const rel = path.relative(project, outside);
    expect(rel.startsWith('..')).toBe(true);
    expect(sessionContexts(project, { 'cog-sdk': { path: rel, exclude: [], include: ['cog.whl'], origin: 'flag' } })).toEqual({
      'cog-sdk': { dir: outside, exclude: [], include: ['cog.whl'] },
    });
    expect(() => sessionContexts(project, { 'cog-sdk': { path: rel, exclude: [], include: ['cog.whl'] } })).toThrow(/outside the project/);
    expect(() => sessionContexts(project, { c: { path: outside, exclude: [], origin: 'flag' } })).toThrow(/absolute/);
    expect(() => sessionContexts(project, { c: { path: `${rel}-missing`, exclude: [], origin: 'flag' } })).toThrow(/not a directory/);
  });

  it('takes a directory whose name starts with ".." as inside the project', () => {
    fs.mkdirSync(path.join(project, '..dots'));
    expect(sessionContexts(project, { c: { path: '..dots', exclude: [] } }).c.dir).toBe(path.join(project, '..dots'));
  });
});

describe('daemon request metadata', () => {
  it('decodes URL-escaped values when <key>-encoded is 1', () => {
    const md = new grpc.Metadata();
    md.add('exclude-patterns', 'd%C3%A9j%C3%A0');
    md.add('exclude-patterns', 'a+b');
    md.set('exclude-patterns-encoded', '1');
    expect(metadataValues(md, 'exclude-patterns')).toEqual(['déjà', 'a b']);
    const plain = new grpc.Metadata();
    plain.add('include-patterns', 'x%20y');
    expect(metadataValues(plain, 'include-patterns')).toEqual(['x%20y']);
  });

  it('splits a repeated field that Node joined with ", " before decoding each value', () => {
    const md = new grpc.Metadata();
    md.add('include-patterns', 'wheels/a-1.0-py3-none-any.whl, wheels/b-2.0-py3-none-any.whl, odd,name');
    expect(metadataValues(md, 'include-patterns')).toEqual(['wheels/a-1.0-py3-none-any.whl', 'wheels/b-2.0-py3-none-any.whl', 'odd,name']);
    const enc = new grpc.Metadata();
    enc.add('exclude-patterns', 'd%C3%A9j%C3%A0, a%2C+b, x%2Cy');
    enc.set('exclude-patterns-encoded', '1');
    expect(metadataValues(enc, 'exclude-patterns')).toEqual(['déjà', 'a, b', 'x,y']);
    const bad = new grpc.Metadata();
    bad.add('followpaths', '100%');
    bad.set('followpaths-encoded', '1');
    expect(metadataValues(bad, 'followpaths')).toEqual(['100%']);
  });

  it('keeps an unencoded pattern holding ", " whole when the context itself lists it', () => {
    const md = new grpc.Metadata();
    md.add('exclude-patterns', 'notes, old, *.log, a, b, c');
    expect(metadataValues(md, 'exclude-patterns', ['notes, old', 'a, b, c'])).toEqual(['notes, old', '*.log', 'a, b, c']);
    expect(metadataValues(md, 'exclude-patterns')).toEqual(['notes', 'old', '*.log', 'a', 'b', 'c']);
    const ctx = { dir: '/x', exclude: ['notes, old'], include: ['vendor, x/p-1.0-py3-none-any.whl', 'w/q-1.0-py3-none-any.whl'] };
    const req = new grpc.Metadata();
    req.add('include-patterns', 'vendor, x/p-1.0-py3-none-any.whl, w/q-1.0-py3-none-any.whl');
    req.add('exclude-patterns', 'notes, old');
    expect(walkOptionsFor(ctx, req)).toMatchObject({ include: ctx.include, exclude: ['notes, old', 'notes, old'] });
  });

  it('reads dir-name whole and decoded', () => {
    const md = new grpc.Metadata();
    md.set('dir-name', 'caf%C3%A9, ctx');
    md.set('dir-name-encoded', '1');
    expect(metadataValue(md, 'dir-name')).toBe('café, ctx');
    expect(metadataValue(new grpc.Metadata(), 'dir-name')).toBeUndefined();
  });

  it('runs the context patterns before the daemon ones; daemon includes replace the context includes', () => {
    const md = new grpc.Metadata();
    md.add('exclude-patterns', '!keep.log');
    md.add('include-patterns', 'src');
    md.add('followpaths', 'Dockerfile');
    expect(walkOptionsFor({ dir: '/x', exclude: ['*.log'], include: ['other'] }, md)).toEqual({
      include: ['src'],
      exclude: ['*.log', '!keep.log'],
      followPaths: ['Dockerfile'],
    });
  });

  it('adds followpaths and their symlink targets to the includes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-follow-'));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.writeFileSync(path.join(dir, 'real/Dockerfile'), 'FROM x');
    fs.writeFileSync(path.join(dir, 'other'), 'o');
    fs.symlinkSync('real/Dockerfile', path.join(dir, 'Dockerfile'));
    const seen: string[] = [];
    for await (const e of walkContext(dir, { include: [], followPaths: ['Dockerfile'] })) seen.push(e.rel);
    expect(seen).toEqual(['Dockerfile', 'real', 'real/Dockerfile']);
  });
});
