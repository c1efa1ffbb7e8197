/** The streaming file writer produces exactly writePackage's bytes: vectors, multi-chunk trees, pre-gzipped input. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writePackageToFile } from './stream-writer';
import { copyInputs, VECTOR_DIR, vectorNames, vectorOptions } from './testing/vectors';
import { Prng } from './testing/prng';
import { writePackage, type WritePackageOptions } from './writer';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'pspf-stream-'));

test.each(vectorNames().filter((n) => fs.existsSync(path.join(VECTOR_DIR, 'inputs', n, 'build.json'))))('%s streamed to a file is byte-identical', (name) => {
  const dir = copyInputs(name);
  const out = path.join(tmp(), 'out.psp');
  writePackageToFile(vectorOptions(dir)!, out);
  expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(VECTOR_DIR, `${name}.psp`)))).toBe(true);
  expect(fs.statSync(out).mode & 0o777).toBe(0o755);
});

test('a tree bigger than the chunk size, a pre-gzipped file, a tar file and raw bytes: same bytes as in memory', () => {
  const src = tmp();
  const rng = new Prng(7);
  fs.mkdirSync(path.join(src, 'tree/lib'), { recursive: true });
  fs.writeFileSync(path.join(src, 'tree/lib/big.bin'), Buffer.concat([rng.bytes(1_500_000), Buffer.alloc(2_000_000, 3)]));
  fs.writeFileSync(path.join(src, 'tree/a.txt'), 'a'.repeat(70_000));
  fs.writeFileSync(path.join(src, 'pre.gz'), gzipSync(Buffer.from('already compressed')));
  fs.writeFileSync(path.join(src, 'archive.tar'), rng.bytes(10_240));
  const opts: WritePackageOptions = {
    launcher: Buffer.from('#!/bin/sh\n'),
    metadata: { package: { name: 's', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/x' } },
    slots: [
      { id: 'tree', content: { kind: 'path', path: path.join(src, 'tree') }, operations: 'tar.gz', target: '{workenv}' },
      { id: 'pre', content: { kind: 'path', path: path.join(src, 'pre.gz') }, operations: 'gzip' },
      { id: 'tar', content: { kind: 'path', path: path.join(src, 'archive.tar') }, operations: 'tar' },
      { id: 'raw', content: { kind: 'bytes', data: Buffer.from('raw') }, operations: 'raw' },
      { id: 'tree-raw', content: { kind: 'path', path: path.join(src, 'tree') }, operations: 'tar' },
    ],
    keys: { seed: 'stream' },
    compressionLevel: 9,
    gzipMtime: 1234,
  };
  for (const pageAligned of [true, false]) {
    const out = path.join(tmp(), 'p.psp');
    writePackageToFile({ ...opts, pageAligned }, out);
    expect(fs.readFileSync(out).equals(writePackage({ ...opts, pageAligned }))).toBe(true);
  }
});

test('refuses to overwrite without force and leaves no temp file on failure', () => {
  const d = tmp();
  const out = path.join(d, 'x.psp');
  fs.writeFileSync(out, 'keep');
  const opts: WritePackageOptions = { launcher: Buffer.from('L'), metadata: { package: { name: 'x', version: '1' } }, slots: [], keys: { seed: 'x' } };
  expect(() => writePackageToFile(opts, out)).toThrow(/already exists/);
  expect(fs.readFileSync(out, 'utf8')).toBe('keep');
  const bad = { ...opts, slots: [{ id: 'm', content: { kind: 'path' as const, path: path.join(d, 'missing') } }] };
  expect(() => writePackageToFile(bad, path.join(d, 'y.psp'))).toThrow(/source .*missing does not exist/);
  expect(fs.readdirSync(d)).toEqual(['x.psp']);
});
