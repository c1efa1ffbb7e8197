/** Property tests: random slot sets and options → write → read/verify/unpack → equal, from a seeded PRNG. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256U64 } from './bytes';
import { installSlots } from './files';
import { lifecycleCode, parsePermissions, purposeCode } from './slot-codes';
import { readPackage, readSlot } from './reader';
import { readTarSafe } from './tar-reader';
import { writeTar, type TarEntry } from './tar-writer';
import { verifyPackage } from './verify';
import { writePackage, type SlotInput, type WritePackageOptions } from './writer';
import { Prng } from './testing/prng';

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_.äöü日本😀';
const PURPOSES = ['data', 'code', 'config', 'media'];
const LIFECYCLES = ['init', 'startup', 'runtime', 'shutdown', 'cache', 'temporary', 'lazy', 'eager', 'dev', 'config', 'platform'];

function randomName(rng: Prng, long = false): string {
  const chars = [...NAME_CHARS];
  let s = '';
  const n = long ? 100 + rng.int(60) : 1 + rng.int(12);
  for (let i = 0; i < n; i++) s += rng.pick(chars);
  return s.replace(/^\.+/, 'x');
}

/** A random name the writer takes as a package name (one safe path component: see workenv-key.ts). */
function packageName(rng: Prng): string {
  return `p${randomName(rng).replace(/[^A-Za-z0-9._+-]/g, '_')}`.slice(0, 128);
}

function randomData(rng: Prng): Buffer {
  const n = rng.pick([0, 1, 100, 5000, 40000]);
  const b = rng.int(2) ? rng.bytes(n) : Buffer.alloc(n, rng.int(256));
  if (n > 10 && rng.int(3) === 0) b.fill(0x41, 0, n >> 1); // half compressible
  return b;
}

function randomTree(rng: Prng, prefix: string): TarEntry[] {
  const names = new Set<string>();
  for (let k = 1 + rng.int(5); k > 0; k--) names.add(`${prefix}/${rng.int(2) ? `${randomName(rng)}/` : ''}${randomName(rng, rng.int(6) === 0)}`);
  const entries: TarEntry[] = [...names].sort().map((name) => ({ name, type: 'file', mode: rng.pick([0o644, 0o755, 0o600, 0o400]), data: randomData(rng) }));
  if (rng.int(3) === 0) entries.push({ name: `${prefix}/link`, type: 'symlink', mode: 0o777, linkname: path.posix.relative(prefix, entries[0].name) });
  return entries;
}

interface Case {
  opts: WritePackageOptions;
  expected: Buffer[]; // decoded slot bytes
}

function randomCase(rng: Prng): Case {
  const slots: SlotInput[] = [];
  const expected: Buffer[] = [];
  for (let i = rng.int(5); i >= 0; i--) {
    const id = `s${slots.length}-${randomName(rng)}`;
    const operations = rng.pick(['raw', 'gzip', 'tar', 'tar.gz', 'tgz', 'tar|gzip', 'GZIP']);
    const isTar = operations.toLowerCase().startsWith('t');
    const common = {
      id,
      operations,
      purpose: rng.pick(PURPOSES),
      lifecycle: rng.pick(LIFECYCLES),
      permissions: rng.pick([null, '0644', '0755', '600', '0o700']),
    };
    if (isTar) {
      const entries = randomTree(rng, `t${slots.length}`);
      slots.push({ ...common, content: { kind: 'tree', entries }, target: '{workenv}' });
      expected.push(writeTar(entries));
    } else {
      const data = randomData(rng);
      slots.push({ ...common, content: { kind: 'bytes', data }, target: `files/${slots.length}.bin` });
      expected.push(data);
    }
  }
  const opts: WritePackageOptions = {
    launcher: rng.bytes(rng.pick([0, 1, 33, 4096])),
    metadata: { package: { name: packageName(rng), version: `${rng.int(9)}.0.${rng.int(99)}` }, execution: { primary_slot: 0, command: '{workenv}/bin/x' } },
    slots,
    keys: { seed: randomName(rng) },
    pageAligned: rng.int(2) === 0,
    compressionLevel: 1 + rng.int(9),
    gzipMtime: rng.int(2 ** 31),
  };
  return { opts, expected };
}

test.each(Array.from({ length: 60 }, (_, i) => i))('round trip, seed %i', (seed) => {
  const rng = new Prng(1000 + seed);
  const { opts, expected } = randomCase(rng);
  const buf = writePackage(opts);
  expect(writePackage(opts).equals(buf)).toBe(true); // deterministic
  const report = verifyPackage(buf);
  expect(report.problems).toEqual([]);
  const pkg = readPackage(buf);
  expect(pkg.metadata.package).toEqual(opts.metadata.package);
  opts.slots.forEach((s, i) => {
    const d = pkg.slots[i];
    const m = pkg.metadata.slots[i];
    expect([m.id, m.operations, m.purpose, m.lifecycle, m.permissions]).toEqual([s.id, s.operations, s.purpose, s.lifecycle, s.permissions]);
    expect([d.purpose, d.lifecycle, d.permissions | (d.permissions_high << 8)]).toEqual([
      purposeCode(s.purpose!),
      lifecycleCode(s.lifecycle!),
      parsePermissions(s.permissions),
    ]);
    expect(d.name_hash).toBe(sha256U64(Buffer.from(s.id)));
    if (opts.pageAligned) expect(d.offset % 4096).toBe(0);
    const out = readSlot(buf, pkg, i);
    expect(out.equals(expected[i])).toBe(true);
    if (s.content.kind === 'tree') expect(readTarSafe(out).map((x) => x.name)).toEqual(s.content.entries.map((e) => e.name));
  });
  if (seed % 6 === 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pspf-rt-'));
    installSlots(buf, pkg, dir);
    opts.slots.forEach((s, i) => {
      if (s.content.kind === 'tree') {
        for (const e of s.content.entries) if (e.type === 'file') expect(fs.readFileSync(path.join(dir, e.name)).equals(Buffer.from(e.data!))).toBe(true);
      } else expect(fs.readFileSync(path.join(dir, `files/${i}.bin`)).equals(expected[i])).toBe(true);
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a package with no slots round-trips (slot_table_offset 0)', () => {
  const buf = writePackage({
    launcher: Buffer.from('L'),
    metadata: { package: { name: 'empty', version: '0' }, execution: { primary_slot: 0, command: 'x' } },
    slots: [],
    keys: { seed: 'e' },
  });
  const pkg = readPackage(buf);
  expect([pkg.index.numbers.slot_count, pkg.index.numbers.slot_table_offset]).toEqual([0, 0]);
  expect(verifyPackage(buf).verdicts.valid).toBe(true);
});

test('the native deflater writes packages that read back identically (bytes may differ from the reference)', () => {
  const data = Buffer.from('native deflate '.repeat(4000));
  const opts: WritePackageOptions = {
    launcher: Buffer.from('L'),
    metadata: { package: { name: 'n', version: '1' }, execution: { primary_slot: 0, command: 'x' } },
    slots: [{ id: 'd', content: { kind: 'bytes', data }, operations: 'gzip' }],
    keys: { seed: 'n' },
    deflater: 'native',
  };
  const buf = writePackage(opts);
  expect(verifyPackage(buf).verdicts.valid).toBe(true);
  expect(readSlot(buf, readPackage(buf), 0).equals(data)).toBe(true);
});
