/** Tar: byte identity with CPython tarfile (PAX, long and non-ASCII names, symlinks), and the extraction path policy. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PspfError } from './errors';
import { extractTar } from './extract';
import { readTar, readTarSafe } from './tar-reader';
import { collectDir, writeTar, type TarEntry } from './tar-writer';
import { encodeHeader, padToBlock, paxRecord } from './tar-header';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'pspf-tar-'));
const file = (name: string, data = 'x', mode = 0o644): TarEntry => ({ name, type: 'file', mode, data: Buffer.from(data) });

/** The reference's TarArchive(deterministic=True), reproduced with tarfile itself. */
const PY_TAR = `
import sys, tarfile, io
from pathlib import Path
src = Path(sys.argv[1])
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for p in sorted(src.rglob("*")):
        if not p.is_file():
            continue
        ti = tf.gettarinfo(str(p), arcname=str(p.relative_to(src)))
        ti.uid = ti.gid = 0; ti.uname = ti.gname = ""; ti.mtime = 0
        if ti.isreg():
            with open(p, "rb") as f: tf.addfile(ti, f)
        else:
            tf.addfile(ti)
sys.stdout.buffer.write(buf.getvalue())
`;

const hasPython = spawnSync('python3', ['-c', 'import tarfile'], { encoding: 'utf8' }).status === 0;
(hasPython ? test : test.skip)('collectDir + writeTar are byte-identical to Python tarfile (PAX names, symlinks, order, hardlinks)', () => {
  const dir = tmp();
  const w = (rel: string, data: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
    fs.chmodSync(path.join(dir, rel), mode);
  };
  w('lib/util.sh', 'u', 0o755);
  w('lib-notes.txt', 'n');
  w(`deep/${'d'.repeat(60)}/${'f'.repeat(70)}.txt`, 'long name');
  w('ünïcødé/файл.txt', 'non-ascii');
  w('emoji-😀.txt', 'astral');
  w('big.bin', 'z'.repeat(70000));
  fs.symlinkSync('lib/util.sh', path.join(dir, 'link-to-file'));
  fs.symlinkSync('lib', path.join(dir, 'link-to-dir')); // skipped
  fs.symlinkSync('missing', path.join(dir, 'dangling')); // skipped
  fs.linkSync(path.join(dir, 'lib-notes.txt'), path.join(dir, 'z-hardlink.txt'));
  const py = spawnSync('python3', ['-c', PY_TAR, dir], { maxBuffer: 1 << 26 });
  expect(py.status).toBe(0);
  const ours = writeTar(collectDir(dir));
  expect(ours.length).toBe(py.stdout.length);
  expect(ours.equals(py.stdout)).toBe(true);
  expect(readTar(ours).map((m) => m.name)).toContain('ünïcødé/файл.txt');
});

test('reader round-trips what the writer wrote', () => {
  const entries = [file('a/b.txt', 'hello', 0o600), { name: 'l', type: 'symlink' as const, mode: 0o777, linkname: 'a/b.txt' }, file('x'.repeat(150), 'long')];
  const members = readTarSafe(writeTar(entries));
  expect(members.map((m) => [m.name, m.type, m.mode, m.size, m.linkname])).toEqual([
    ['a/b.txt', 'file', 0o600, 5, ''],
    ['l', 'symlink', 0o777, 0, 'a/b.txt'],
    ['x'.repeat(150), 'file', 0o644, 4, ''],
  ]);
});

describe('path traversal is refused before anything is written', () => {
  const cases: Array<[string, TarEntry[]]> = [
    ['../ escape', [file('../evil')]],
    ['nested ../ escape', [file('a/../../evil')]],
    ['absolute path', [file('/tmp/evil')]],
    ['absolute symlink', [{ name: 'l', type: 'symlink', mode: 0o777, linkname: '/etc/passwd' }]],
    ['symlink climbing out', [{ name: 'a/l', type: 'symlink', mode: 0o777, linkname: '../../outside' }]],
    ['hardlink out', [{ name: 'h', type: 'hardlink', mode: 0o644, linkname: '../outside' }]],
  ];
  test.each(cases)('%s', (_n, entries) => {
    const root = tmp();
    const target = path.join(root, 'target');
    expect(() => extractTar(writeTar([file('ok.txt'), ...entries]), target)).toThrow(PspfError);
    expect(fs.existsSync(path.join(target, 'ok.txt'))).toBe(false); // checked first, nothing extracted
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('writing through an in-archive symlink is refused (symlink to ., then a member under it)', () => {
    const root = tmp();
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    const entries: TarEntry[] = [{ name: 'up', type: 'symlink', mode: 0o777, linkname: '.' }, file('up/x.txt', 'through')];
    expect(() => extractTar(writeTar(entries), path.join(root, 'target'))).toThrow(/through the symlink/);
  });

  test('device and fifo members are refused', () => {
    const tar = writeTar([file('f')]);
    tar[156] = '6'.charCodeAt(0); // fifo
    let sum = 0;
    tar.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += tar[i];
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    expect(() => readTarSafe(tar)).toThrow(/not allowed/);
  });

  test('a bad header checksum, a truncated archive and a member larger than the archive are refused', () => {
    const tar = writeTar([file('f', 'data')]);
    const bad = Buffer.from(tar);
    bad[0] ^= 1;
    expect(() => readTar(bad)).toThrow(/header checksum/);
    expect(() => readTar(tar.subarray(0, 512))).toThrow(PspfError);
    const big = Buffer.from(tar);
    big.write('77777777777\0', 124, 'ascii');
    let sum = 0;
    big.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += big[i];
    big.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    expect(() => readTar(big)).toThrow(/larger than the archive/);
  });
});

test('extraction writes files with their modes and symlinks as links', () => {
  const root = tmp();
  extractTar(writeTar([file('bin/run', '#!/bin/sh\n', 0o755), { name: 'bin/alias', type: 'symlink', mode: 0o777, linkname: 'run' }]), root);
  expect(fs.statSync(path.join(root, 'bin/run')).mode & 0o777).toBe(0o755);
  expect(fs.readlinkSync(path.join(root, 'bin/alias'))).toBe('run');
});

test('a PAX size record (how files of 8 GiB and more are written) gives the member size, and is bounds-checked', () => {
  const withPaxSize = (size: string, data: Buffer): Buffer => {
    const pax = paxRecord('size', size);
    return Buffer.concat([
      encodeHeader({ name: '././@PaxHeader', mode: 0, size: pax.length, type: 'x' }),
      pax,
      Buffer.alloc(padToBlock(pax.length)),
      encodeHeader({ name: 'big', mode: 0o644, size: 0, type: '0' }),
      data,
      Buffer.alloc(padToBlock(data.length) + 1024),
    ]);
  };
  expect(readTarSafe(withPaxSize('5', Buffer.from('12345'))).map((m) => [m.name, m.size])).toEqual([['big', 5]]);
  expect(() => readTar(withPaxSize('99999999999', Buffer.from('12345')))).toThrow(/larger than the archive/);
  expect(() => readTar(withPaxSize('-1', Buffer.from('12345')))).toThrow(/not a number/);
});
