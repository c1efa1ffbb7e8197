/** Tar entries that try to leave the work environment are refused before anything lands outside it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writePrepared } from '../writer';
import { encodeHeader, TYPE } from '../tar-header';
import { launcherBytes } from './build-launcher';
import type { TarEntry } from '../tar-writer';
import { packApp, runEnv, runPackage, tempDir, treeSlot, workenvOf } from './test-packages';

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => (dir = tempDir('safety')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const APP = { 'bin/app.sh': [0o755, '#!/bin/sh\necho SHOULD-NOT-RUN\n'] as [number, string] };
const file = (name: string): TarEntry => ({ name, type: 'file', mode: 0o644, data: Buffer.from('pwned\n') });
const link = (name: string, linkname: string, type: 'symlink' | 'hardlink' = 'symlink'): TarEntry => ({ name, type, mode: 0o777, linkname });

const CASES: Array<[string, TarEntry[], RegExp]> = [
  ['dot-dot member', [file('../escape.txt')], /refusing unsafe path "\.\.\/escape\.txt"/],
  ['nested dot-dot member', [file('a/../../escape.txt')], /refusing unsafe path/],
  ['absolute member', [file(`${'/tmp'}/pspf-abs-escape.txt`)], /refusing unsafe path "\/tmp/],
  ['absolute symlink', [link('out', '/tmp')], /refusing link out -> \/tmp/],
  ['symlink climbing out', [link('out', '../..')], /refusing link out -> \.\.\/\.\./],
  ['symlink stepping back after a name', [link('in', 'bin/../..')], /refusing link in -> bin\/\.\.\/\.\./],
  ['write through an inside symlink', [link('alias', 'bin'), file('alias/evil.sh')], /refusing path alias\/evil\.sh: a parent is not a plain directory/],
  ['hardlink to an outside path', [link('h', '../../../etc/passwd', 'hardlink')], /refusing link h -> \.\.\/\.\.\/\.\.\/etc\/passwd/],
];

describe('path traversal in tar slots', () => {
  test.each(CASES)('%s is refused (exit 103, app not run)', (name, entries, reason) => {
    const id = name.replace(/\W+/g, '-');
    const pkg = packApp(dir, id, [treeSlot('app', APP, entries)]);
    const cache = path.join(dir, `cache-${id}`);
    const r = runPackage(pkg, [], runEnv(cache));
    expect(r.status).toBe(103);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toMatch(reason);
    expect(fs.existsSync(path.join(cache, 'workenv/escape.txt'))).toBe(false);
    expect(fs.existsSync(path.join(cache, 'escape.txt'))).toBe(false);
    expect(fs.existsSync('/tmp/pspf-abs-escape.txt')).toBe(false);
    expect(fs.existsSync(path.join(workenvOf(cache, pkg).dir, 'bin/app.sh'))).toBe(false); // nothing moved into place
  });

  test('a directory entry climbing out is refused too', () => {
    const tar = Buffer.concat([encodeHeader({ name: '../escape-dir/', mode: 0o755, size: 0, type: TYPE.DIR }), Buffer.alloc(1024)]);
    const pkg = packApp(dir, 'dirdots', [{ id: 'app', content: { kind: 'bytes', data: tar }, operations: 'tar', target: '{workenv}' }]);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-dirdots')));
    expect(r.status).toBe(103);
    expect(r.stderr.trim().split('\n').pop()).toBe('pspf-launcher: refusing unsafe path "../escape-dir/" in slot app');
    expect(fs.existsSync(path.join(dir, 'cache-dirdots/workenv/escape-dir'))).toBe(false);
  });

  test('symlinks that stay inside are kept', () => {
    const pkg = packApp(dir, 'inside', [
      treeSlot('app', { ...APP, 'lib/real.txt': [0o644, 'real\n'] }, [link('lib/alias.txt', 'real.txt'), link('top', 'lib/real.txt')]),
    ]);
    const cache = path.join(dir, 'cache-inside');
    expect(runPackage(pkg, [], runEnv(cache)).status).toBe(0);
    expect(fs.readFileSync(path.join(workenvOf(cache, pkg).dir, 'top'), 'utf8')).toBe('real\n');
    expect(fs.readlinkSync(path.join(workenvOf(cache, pkg).dir, 'lib/alias.txt'))).toBe('real.txt');
  });
});

describe('declared sizes', () => {
  const BOMB = zlib.gzipSync(Buffer.alloc(4 << 20)); // 4 MiB of zeros in ~4 KiB

  function sizedPackage(name: string, ops: string, originalSize: number): string {
    const o = {
      launcher: launcherBytes(),
      metadata: { package: { name, version: '1' }, execution: { primary_slot: 0, command: '{workenv}/blob' } },
      slots: [{ id: 'blob', content: { kind: 'bytes' as const, data: BOMB }, operations: ops, target: '{workenv}/blob' }],
      keys: { seed: 'sizes' },
    };
    const file = path.join(dir, `${name}.psp`);
    fs.writeFileSync(file, writePrepared(o, [{ stored: BOMB, originalSize, ops: ops === 'gzip' ? [0x10] : [0x01, 0x10], statSize: 0 }]), { mode: 0o755 });
    return file;
  }

  test('a gzip slot that inflates beyond its declared original_size is stopped there', () => {
    const pkg = sizedPackage('bomb', 'gzip', 1000);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-bomb')));
    expect(r).toMatchObject({ status: 103, stdout: '' });
    expect(r.stderr.trim().split('\n').pop()).toBe('pspf-launcher: slot blob: decompresses beyond its declared size (1000 bytes)');
    expect(fs.existsSync(path.join(workenvOf(path.join(dir, 'cache-bomb'), pkg).dir, 'blob'))).toBe(false);
  });

  test('a tar.gz slot is bounded the same way', () => {
    const r = runPackage(sizedPackage('tarbomb', 'tar.gz', 2048), [], runEnv(path.join(dir, 'cache-tarbomb')));
    expect(r.status).toBe(103);
  });

  test('a slot that inflates to less than declared is refused too', () => {
    const r = runPackage(sizedPackage('short', 'gzip', (4 << 20) + 1), [], runEnv(path.join(dir, 'cache-short')));
    expect(r.status).toBe(103);
    expect(r.stderr.trim().split('\n').pop()).toBe(`pspf-launcher: slot blob: decompressed to ${4 << 20} bytes, declared ${(4 << 20) + 1}`);
  });
});
