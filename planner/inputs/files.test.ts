import { chmodSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempProject } from '../../src/testing/temp-project';
import { fileReasons } from './file-diff';
import { contextFiles, planFiles } from './files';

const CTX = { path: '.', exclude: ['.git'] };
jest.setTimeout(60_000);

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = tempProject(files);
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project of `n` modules under pkg/ (n/10 subpackages) plus a top-level file. */
function many(n: number): Record<string, string> {
  const files: Record<string, string> = { 'predict.py': 'print(1)\n' };
  for (let i = 0; i < n; i++) files[`pkg/sub${i % 10}/m${i}.py`] = `X = ${i}\n`;
  return files;
}

describe('context file records', () => {
  it('a large tree keeps at most MAX entries: whole directories with their file counts', async () => {
    const dir = project(many(1000));
    const rec = await contextFiles(dir, CTX, 20);
    expect(rec.n).toBe(1001);
    expect(Object.keys(rec.m!).length).toBeLessThanOrEqual(20);
    expect(rec.m!['pkg/sub3/']).toMatch(/^[0-9a-f]{12} 100$/);
    expect(JSON.stringify(rec).length).toBeLessThan(1000);
  });

  it('a change deep in a cut directory names the directory; a listed file is named', async () => {
    const dir = project(many(1000));
    const old = await contextFiles(dir, CTX, 20);
    writeFileSync(join(dir, 'pkg/sub3/m3.py'), 'X = -1\n');
    writeFileSync(join(dir, 'predict.py'), 'print(2)\n');
    expect(fileReasons(old, await contextFiles(dir, CTX, 20))).toEqual(['1 file changed: predict.py', 'files under pkg/sub3/ changed (100 files)']);
  });

  it('records cut at different depths compare at the coarser one', async () => {
    const dir = project(many(30));
    const fine = await contextFiles(dir, CTX, 100);
    expect(fine.m!['pkg/sub1/m1.py']).toBeDefined();
    for (let i = 0; i < 100; i++) writeFileSync(join(dir, `pkg/sub1/x${i}.py`), 'Y = 1\n');
    const coarse = await contextFiles(dir, CTX, 100);
    expect(coarse.m!['pkg/sub1/']).toMatch(/ 103$/);
    expect(fileReasons(fine, coarse)).toEqual(['files under pkg/sub1/ changed (103 files, was 3)']);
  });

  it('the root alone when even the top level does not fit; the mode counts', async () => {
    const dir = project(many(5));
    const old = await contextFiles(dir, CTX, 1);
    expect(old.m).toBeUndefined();
    chmodSync(join(dir, 'predict.py'), 0o755);
    expect(fileReasons(old, await contextFiles(dir, CTX, 1))).toEqual(['files changed (6 files)']);
  });

  it('includes and excludes as the session sends them', async () => {
    const dir = project({ 'a.py': '1', 'w/big.bin': 'x', '.git/HEAD': 'ref' });
    const rec = await contextFiles(dir, { path: '.', exclude: ['.git', 'w/big.bin'] });
    expect(Object.keys(rec.m!)).toEqual(['a.py']);
    const only = await contextFiles(dir, { path: '.', exclude: [], include: ['w/big.bin'] });
    expect(Object.keys(only.m!)).toEqual(['w/big.bin']);
  });
});

describe('the digest cache of large files', () => {
  it('a file of 1 MiB or more is hashed once while its size, times and inode stay; a touch hashes it again', async () => {
    const dir = project({ 'a.py': '1' });
    const cacheDir = join(dir, '..', `${dir.split('/').pop()}-cache`);
    dirs.push(cacheDir);
    writeFileSync(join(dir, 'w.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
    const env = { COGPACK_CACHE_DIR: cacheDir };
    const first = await planFiles(dir, { w: { path: '.', exclude: [] } }, env);
    const file = join(cacheDir, 'file-digests-v1.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.values(saved)).toEqual([first.w.m!['w.bin']]);
    // a doctored entry is believed: proof that the second run read the cache instead of the file
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.keys(saved).map((k) => [k, 'cafecafecafe']))));
    expect((await planFiles(dir, { w: { path: '.', exclude: [] } }, env)).w.m!['w.bin']).toBe('cafecafecafe');
    utimesSync(join(dir, 'w.bin'), new Date(5000), new Date(5000));
    expect((await planFiles(dir, { w: { path: '.', exclude: [] } }, env)).w.m!['w.bin']).toBe(first.w.m!['w.bin']);
    expect((await planFiles(dir, { w: { path: '.', exclude: [] } }, { COGPACK_CACHE_DIR: '' })).w.m!['w.bin']).toBe(first.w.m!['w.bin']);
  });
});
