/**
 * File names that are not UTF-8 (legal on Linux) keep their bytes from an exported image filesystem through the
 * psp tar slots to the launcher's extraction: the walker reads names as bytes, the tar writer puts them in PAX
 * records verbatim, the real launcher creates them as is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkTree } from './build-output-rootfs';
import { packApp, runEnv, runPackage, tempDir, treeSlot, workenvOf } from './launcher/test-packages';

jest.setTimeout(120_000);

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const list = (dir: Buffer): string[] => (fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('latin1')).sort();

let dir: string;
beforeAll(() => (dir = tempDir('non-utf8')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a rootfs with names that are not UTF-8 is packed and extracted under the same bytes', () => {
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(latin1(`${rootfs}/src/d\xff`), { recursive: true });
  fs.writeFileSync(latin1(`${rootfs}/src/caf\xe9.txt`), 'accent\n');
  fs.writeFileSync(latin1(`${rootfs}/src/d\xff/x\x80y.py`), 'X = 1\n');
  fs.writeFileSync(`${rootfs}/src/caf\u00e9-utf8.txt`, 'utf8\n');
  fs.symlinkSync(latin1('caf\xe9.txt'), latin1(`${rootfs}/src/link\xe9`));
  const entries = walkTree(rootfs, 'src');
  expect(entries.map((e) => (e.nameBytes ?? Buffer.from(e.name)).toString('latin1')).sort()).toEqual(
    ['root/src/caf\xe9.txt', 'root/src/caf\xc3\xa9-utf8.txt', 'root/src/d\xff/x\x80y.py', 'root/src/link\xe9'].sort(),
  );
  const pkg = packApp(dir, 'bytes', [
    treeSlot('bin', { 'bin/app.sh': [0o755, '#!/bin/sh\necho ran\n'] }),
    { id: 'app', content: { kind: 'tree', entries }, operations: 'tar.gz', target: '{workenv}' },
  ]);
  const cache = path.join(dir, 'cache');
  expect(runPackage(pkg, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'ran\n' });
  const src = Buffer.from(path.join(workenvOf(cache, pkg).dir, 'root/src'));
  expect(list(src)).toEqual(['caf\xc3\xa9-utf8.txt', 'caf\xe9.txt', 'd\xff', 'link\xe9']);
  expect(list(Buffer.concat([src, latin1('/d\xff')]))).toEqual(['x\x80y.py']);
  expect(fs.readlinkSync(Buffer.concat([src, latin1('/link\xe9')]), { encoding: 'buffer' })).toEqual(latin1('caf\xe9.txt'));
  expect(fs.readFileSync(Buffer.concat([src, latin1('/caf\xe9.txt')]), 'utf8')).toBe('accent\n');
});
