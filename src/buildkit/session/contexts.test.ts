import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { ConfigError } from '../../errors';
import { sessionContexts } from './contexts';
import { metadataValues, walkOptionsFor } from './file-sync';
import { walkContext } from './walk';

describe('sessionContexts', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-proj-'));
  fs.mkdirSync(path.join(project, 'weights'));

  it('resolves project-relative contexts and keeps their patterns', () => {
    expect(sessionContexts(project, { context: { path: '.', exclude: ['.git'] }, weights: { path: 'weights', exclude: [], include: ['*.bin'] } })).toEqual({
      context: { dir: project, exclude: ['.git'] },
      weights: { dir: path.join(project, 'weights'), exclude: [], include: ['*.bin'] },
    });
  });

  it.each([['../elsewhere'], ['/etc'], ['missing']])('rejects %s as a config error', (p) => {
    expect(() => sessionContexts(project, { c: { path: p, exclude: [] } })).toThrow(ConfigError);
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
