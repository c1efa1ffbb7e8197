/** The strict reader: bounds, overflow, trailer, checksums and declared sizes (bombs) fail closed with a PspfError. */
import { gzipSync } from 'node:zlib';
import { PspfError } from './errors';
import { readPackage, readSlot } from './reader';
import { writePrepared } from './writer';
import { OP } from './operations';
import { bytesSlot, descriptorAt, indexAt, options, pkg, setU64 } from './testing/packages';

const good = pkg([bytesSlot('a', 'hello world'), bytesSlot('b', 'x'.repeat(5000), 'gzip')]);

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PspfError) return e.code;
    throw e;
  }
  return 'no error';
}

test('a good package reads and decodes', () => {
  const p = readPackage(good);
  expect(readSlot(good, p, 0).toString()).toBe('hello world');
  expect(readSlot(good, p, 1).toString()).toBe('x'.repeat(5000));
});

test.each([
  ['empty file', 'E_PSPF_TRUNCATED', () => Buffer.alloc(0)],
  ['8199 bytes', 'E_PSPF_TRUNCATED', () => good.subarray(good.length - 8199)],
  ['trailing byte appended', 'E_PSPF_MAGIC', () => Buffer.concat([good, Buffer.from([0])])],
  ['cut in the middle', 'E_PSPF_MAGIC', () => good.subarray(0, good.length - 100)],
])('%s → %s', (_name, want, make) => {
  expect(code(() => readPackage(make()))).toBe(want);
});

test('index checksum is enforced (even when CI is set, unlike the reference)', () => {
  const b = Buffer.from(good);
  b[indexAt(b, 700)] ^= 1; // padding area, still covered by Adler-32
  const saved = process.env.CI;
  process.env.CI = 'true';
  try {
    expect(code(() => readPackage(b))).toBe('E_PSPF_INDEX_CHECKSUM');
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test.each([
  ['metadata_offset beyond EOF', 'E_PSPF_BOUNDS', 24, 1n << 40n],
  ['metadata_size 2^64-1', 'E_PSPF_FIELD_RANGE', 32, 2n ** 64n - 1n],
  ['metadata_size 2^53', 'E_PSPF_FIELD_RANGE', 32, 2n ** 53n],
  ['metadata_size into the trailer', 'E_PSPF_BOUNDS', 32, 100_000n],
  ['slot_table_offset past EOF', 'E_PSPF_BOUNDS', 40, 2n ** 52n],
  ['slot_table_size wrong', 'E_PSPF_BOUNDS', 48, 64n],
  ['package_size wrong', 'E_PSPF_PACKAGE_SIZE', 8, 12n],
])('index %s → %s', (_n, want, field, value) => {
  expect(code(() => readPackage(setU64(good, indexAt(good, field), value)))).toBe(want);
});

test('slot_count larger than the file can hold', () => {
  const b = Buffer.from(good);
  b.writeUInt32LE(0xffffffff, indexAt(b, 56));
  expect(code(() => readPackage(setU64(b, indexAt(b, 8), BigInt(b.length))))).toBe('E_PSPF_BOUNDS');
});

test.each([
  ['offset 2^63', 'E_PSPF_FIELD_RANGE', 16, 2n ** 63n],
  ['offset + size wraps past 2^53', 'E_PSPF_BOUNDS', 16, 2n ** 53n - 1n],
  ['size beyond the trailer', 'E_PSPF_BOUNDS', 24, 1n << 30n],
  ['offset inside the slot table', 'E_PSPF_BOUNDS', 16, 0n],
])('descriptor %s → %s', (_n, want, field, value) => {
  expect(code(() => readPackage(setU64(good, descriptorAt(good, 0, field), value)))).toBe(want);
});

test('a corrupted slot byte fails readSlot with a checksum error', () => {
  const b = Buffer.from(good);
  const p = readPackage(b);
  b[p.slots[0].offset] ^= 0x20;
  expect(code(() => readSlot(b, p, 0))).toBe('E_PSPF_SLOT_CHECKSUM');
});

describe('decompression bombs: output capped at the declared size', () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros in ~64 KiB
  const slots = [bytesSlot('bomb', '', 'gzip')];

  test('declared 1 KiB, inflates to 64 MiB → refused at the cap', () => {
    const buf = writePrepared(options(slots), [{ stored: bomb, originalSize: 1024, ops: [OP.GZIP], statSize: 1024 }]);
    const t0 = Date.now();
    expect(code(() => readSlot(buf, readPackage(buf), 0))).toBe('E_PSPF_DECLARED_SIZE');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('declared size larger than the real output → refused', () => {
    const small = gzipSync(Buffer.from('abc'));
    const buf = writePrepared(options(slots), [{ stored: small, originalSize: 1000, ops: [OP.GZIP], statSize: 1 }]);
    expect(code(() => readSlot(buf, readPackage(buf), 0))).toBe('E_PSPF_DECLARED_SIZE');
  });

  test("pre-gzipped quirk (original_size == size): bounded by deflate's 1032:1 ratio, and a lying ISIZE is refused by the gzip check", () => {
    const lying = Buffer.from(bomb);
    lying.writeUInt32LE(10, lying.length - 4);
    const buf = writePrepared(options(slots), [{ stored: lying, originalSize: lying.length, ops: [OP.GZIP], statSize: 1 }]);
    expect(() => readSlot(buf, readPackage(buf), 0)).toThrow(/incorrect length check/);
  });

  test('a global limit applies whatever the package declares', () => {
    const buf = writePrepared(options(slots), [{ stored: bomb, originalSize: 64 * 1024 * 1024, ops: [OP.GZIP], statSize: 1 }]);
    expect(code(() => readSlot(buf, readPackage(buf), 0, { maxSize: 1024 * 1024 }))).toBe('E_PSPF_DECLARED_SIZE');
  });

  test('metadata JSON is capped too (16 MiB)', () => {
    const buf = pkg([bytesSlot('a', 'x')], {
      metadata: { package: { name: 'big', version: '1', description: 'a'.repeat(17 * 1024 * 1024) }, execution: { primary_slot: 0, command: 'x' } },
    });
    expect(buf.length).toBeLessThan(100_000);
    expect(code(() => readPackage(buf))).toBe('E_PSPF_DECLARED_SIZE');
  });
});

test('unsupported operation chains are refused by name', () => {
  const buf = writePrepared(options([bytesSlot('z', '', 'bzip2')]), [{ stored: Buffer.from('zz'), originalSize: 2, ops: [0x13], statSize: 2 }]);
  expect(() => readSlot(buf, readPackage(buf), 0)).toThrow(/BZIP2 is not supported/);
});

test('a descriptor op chain that differs from the signed metadata is refused', () => {
  const b = setU64(good, descriptorAt(good, 1, 40), 0n); // gzip slot relabelled raw
  expect(code(() => readSlot(b, readPackage(b), 1))).toBe('E_PSPF_SLOT_OPERATIONS');
});
