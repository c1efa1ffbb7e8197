/**
 * `verify` checks everything the launcher checks (issue 15, class 5c): one package with every slot kind is
 * mutated byte class by byte class, each mutant is run by the real launcher and verified by verifyPackage, and
 * every mutant the launcher refuses must fail verification too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fixChecksums } from '../fuzz';
import { descriptorAt, indexAt } from '../testing/packages';
import { verifyPackage } from '../verify';
import { writePackage } from '../writer';
import { launcherBytes } from './build-launcher';
import { runEnv, runPackage, tempDir, treeSlot } from './test-packages';

jest.setTimeout(600_000);

const REFUSED = [102, 103, 105, 106, 107];

let dir: string;
let base: Buffer;
beforeAll(() => {
  dir = tempDir('parity');
  base = writePackage({
    launcher: launcherBytes(),
    metadata: { package: { name: 'parity', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/bin/app.sh' } },
    slots: [
      treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho ran\n'] }),
      {
        id: 'cfg',
        content: { kind: 'bytes', data: Buffer.from('key = value\n'.repeat(40)) },
        operations: 'gzip',
        target: '{workenv}/etc/cfg',
        permissions: '0640',
      },
      { id: 'raw', content: { kind: 'bytes', data: Buffer.from('raw bytes\n') }, operations: 'raw', target: '{workenv}/etc/raw' },
      {
        id: 'lib',
        content: { kind: 'tree', entries: [{ name: 'lib/x.txt', type: 'file', mode: 0o644, data: Buffer.from('x\n') }] },
        operations: 'tar',
        target: '{workenv}',
      },
    ],
    keys: { seed: 'parity' },
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let serial = 0;

/** The launcher's exit status on this package, run in a private cache that is removed afterwards. */
function launch(bytes: Buffer): number | null {
  const n = serial++;
  const file = path.join(dir, `m${n}.psp`);
  const cache = path.join(dir, `cache-${n}`);
  fs.writeFileSync(file, bytes, { mode: 0o755 });
  try {
    return runPackage(file, [], runEnv(cache)).status;
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

function verifies(bytes: Buffer): boolean {
  try {
    return verifyPackage(bytes, { signature: 'required' }).verdicts.valid;
  } catch {
    return false; // structural damage: verify refuses by throwing
  }
}

interface Outcome {
  name: string;
  launcher: number | null;
  verified: boolean;
}

function judge(name: string, bytes: Buffer): Outcome {
  const launcher = launch(bytes);
  expect([0, ...REFUSED]).toContain(launcher); // never a crash or a hang
  return { name, launcher, verified: verifies(bytes) };
}

const refusedByLauncher = (o: Outcome): boolean => REFUSED.includes(o.launcher as number);

function edited(f: (b: Buffer) => void, fix = true): Buffer {
  const b = Buffer.from(base);
  f(b);
  if (fix) fixChecksums(b);
  return b;
}

test('the unmutated package runs and verifies', () => {
  expect(judge('base', base)).toEqual({ name: 'base', launcher: 0, verified: true });
});

test('every byte of the slot table, flipped (low bit; high bit too past the id and name hash): verify refuses whatever the launcher refuses', () => {
  const table = Number(base.readBigUInt64LE(indexAt(base, 40)));
  const outcomes: Outcome[] = [];
  for (let at = table; at < table + 4 * 64; at++) {
    // the high bit too from offset 32 on (sizes, op bytes, checksum, the one-byte fields); id and name_hash are unchecked u64s
    const bits = (at - table) % 64 >= 32 ? [0x01, 0x80] : [0x01];
    for (const bit of bits)
      outcomes.push(
        judge(
          `table+${at - table}^${bit}`,
          edited((b) => (b[at] ^= bit), false),
        ),
      );
  }
  const missed = outcomes.filter((o) => refusedByLauncher(o) && o.verified);
  expect(missed.map((o) => o.name)).toEqual([]);
  // the classes the issue names are among the refusals: original_size (field 32), op bytes (40..47), permissions (62, 63)
  for (const field of [32, 40, 41, 47, 62, 63]) expect(outcomes.find((o) => o.name === `table+${field}^1`)?.launcher).not.toBe(0);
  // bytes no check covers (purpose, lifecycle, priority, platform, reserved, id, name_hash) run and verify alike
  expect(outcomes.filter((o) => !refusedByLauncher(o) && !o.verified).map((o) => o.name)).toEqual([]);
});

test('every structural index byte (checksum re-fixed): verify refuses whatever the launcher refuses', () => {
  const outcomes: Outcome[] = [];
  for (let field = 0; field < 192; field++) {
    if (field >= 4 && field < 8) continue; // the Adler-32 itself
    if (field >= 64 && field % 8 !== 0) continue; // public key and signature: every byte fails alike, a sample will do
    outcomes.push(
      judge(
        `index+${field}`,
        edited((b) => (b[indexAt(b, field)] ^= 0x01)),
      ),
    );
  }
  expect(outcomes.filter((o) => refusedByLauncher(o) && o.verified).map((o) => o.name)).toEqual([]);
  expect(outcomes.filter(refusedByLauncher).length).toBeGreaterThan(60);
});

describe('the declared-size and op-chain edits of issue 15', () => {
  const setU64 = (slot: number, field: number, v: (old: bigint) => bigint): Buffer =>
    edited((b) => b.writeBigUInt64LE(v(b.readBigUInt64LE(descriptorAt(b, slot, field))), descriptorAt(b, slot, field)), false);
  const CASES: Array<[string, () => Buffer]> = [
    ['gzip original_size lowered by one', () => setU64(1, 32, (v) => v - 1n)],
    ['gzip original_size raised by one', () => setU64(1, 32, (v) => v + 1n)],
    ['tar.gz original_size lowered to 512', () => setU64(0, 32, () => 512n)],
    ['raw original_size raised by one', () => setU64(2, 32, (v) => v + 1n)],
    ['tar original_size lowered by one', () => setU64(3, 32, (v) => v - 1n)],
    ['original_size 2^64-1', () => setU64(1, 32, () => 2n ** 64n - 1n)],
    ['gzip op byte after the terminator', () => setU64(1, 40, (v) => v | (0x10n << 16n))],
    ['tar.gz op byte after the terminator', () => setU64(0, 40, (v) => v | (0x01n << 56n))],
    ['raw slot with an op byte after the terminator', () => setU64(2, 40, () => 0x1000n)],
    ['permissions 06777 on a 0640 slot', () => edited((b) => b.writeUInt16LE(0o6777, descriptorAt(b, 1, 62)), false)],
  ];
  test.each(CASES)('%s: the launcher refuses and verify refuses', (_name, make) => {
    const o = judge(_name, make());
    expect(REFUSED).toContain(o.launcher);
    expect(o.verified).toBe(false);
  });
});

test('a tar.gz whose gzip stream is followed by a second member: both refuse (no trailing data)', () => {
  // signed metadata must name the new bytes, so the package is written afresh rather than edited
  const tar = zlib.gunzipSync(readSlotBytes(base, 0));
  const stored = Buffer.concat([zlib.gzipSync(tar), zlib.gzipSync(Buffer.from('extra'))]);
  const bytes = writePackage({
    launcher: launcherBytes(),
    metadata: { package: { name: 'parity', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/bin/app.sh' } },
    slots: [{ id: 'app', content: { kind: 'bytes', data: stored }, operations: 'tar.gz', target: '{workenv}' }],
    keys: { seed: 'parity' },
  });
  const o = judge('two members', bytes);
  expect(o.launcher).toBe(103);
  expect(o.verified).toBe(false);
});

function readSlotBytes(b: Buffer, i: number): Buffer {
  const off = Number(b.readBigUInt64LE(descriptorAt(b, i, 16)));
  const size = Number(b.readBigUInt64LE(descriptorAt(b, i, 24)));
  return b.subarray(off, off + size);
}
