/**
 * The PSPF fuzzer: mutates valid packages (bytes, fields, sizes; optionally re-fixing checksums so deeper code
 * runs, or rebuilding with hostile but correctly-checksummed slot bytes) and checks that every read ends in a
 * result or a PspfError within a time bound. Shared by the jest test and scripts/fuzz-pspf.ts.
 */
import { performance } from 'node:perf_hooks';
import { sha256 } from './bytes';
import { TRAILER_SIZE } from './constants';
import { PspfError } from './errors';
import { gzipSlot } from './gzip';
import { indexChecksum } from './index-block';
import { keyFromSeed, type SigningKey } from './keys';
import type { JsonObject } from './metadata';
import { OP, operationsToString, unpackOperations } from './operations';
import { readPackage, readSlot } from './reader';
import { readTarSafe } from './tar-reader';
import { writeTar } from './tar-writer';
import { Prng } from './testing/prng';
import { verifyPackage } from './verify';
import { writePrepared, type SlotInput, type WritePackageOptions } from './writer';

export interface FuzzResult {
  iterations: number;
  rejected: number; // ended in a PspfError (the expected outcome for most mutants)
  accepted: number;
  failures: Array<{ iteration: number; kind: 'crash' | 'hang'; message: string }>;
  maxMs: number;
}

let cachedKey: SigningKey | undefined;
const fuzzKey = (): SigningKey => (cachedKey ??= keyFromSeed('fuzz'));

const EXTREMES = [0n, 1n, 0xffffffffn, 0x1_0000_0000n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

/** Seed packages: small, varied, written by our own writer (raw, gzip, tar, tar.gz; aligned and not). */
export function seedPackages(): Buffer[] {
  const tree = writeTar([
    { name: 'bin/app', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
    { name: 'lib/x.txt', type: 'file', mode: 0o644, data: Buffer.alloc(3000, 7) },
    { name: 'link', type: 'symlink', mode: 0o777, linkname: 'lib/x.txt' },
  ]);
  const base = (pageAligned: boolean): WritePackageOptions => ({
    launcher: Buffer.from('#!/bin/sh\necho launcher\n'),
    metadata: { package: { name: 'fuzz', version: '1.0.0' }, execution: { primary_slot: 0, command: '{workenv}/bin/app' } },
    slots: [],
    keys: { key: fuzzKey() },
    pageAligned,
  });
  const slots: SlotInput[] = [
    ['app', 'tar.gz'],
    ['cfg', 'gzip'],
    ['raw', 'raw'],
    ['plain', 'tar'],
  ].map(([id, operations]) => ({ id, operations, content: { kind: 'bytes', data: Buffer.alloc(0) } }));
  const prepared = [
    { stored: gzipSlot(tree, 6, 0), originalSize: tree.length, ops: [OP.TAR, OP.GZIP], statSize: 4096 },
    { stored: gzipSlot(Buffer.from('key = value\n'.repeat(20)), 6, 0), originalSize: 240, ops: [OP.GZIP], statSize: 240 },
    { stored: Buffer.from('raw bytes'), originalSize: 9, ops: [], statSize: 9 },
    { stored: tree, originalSize: tree.length, ops: [OP.TAR], statSize: 4096 },
  ];
  return [true, false].map((aligned) => writePrepared({ ...base(aligned), slots }, prepared));
}

/** Rebuilds with one slot's stored bytes (and maybe its declared size/ops) replaced; checksums stay right. */
function hostileSlot(rng: Prng, seedBuf: Buffer): Buffer {
  const pkg = readPackage(seedBuf);
  const slots: SlotInput[] = pkg.metadata.slots.map((s) => ({ id: s.id, operations: s.operations, content: { kind: 'bytes', data: Buffer.alloc(0) } }));
  const prepared = pkg.slots.map((d) => ({
    stored: Buffer.from(seedBuf.subarray(d.offset, d.offset + d.size)),
    originalSize: d.original_size,
    ops: unpackOperations(d.operations),
    statSize: d.size,
  }));
  const i = rng.int(prepared.length);
  const p = prepared[i];
  for (let k = 1 + rng.int(6); k > 0; k--) if (p.stored.length > 0) p.stored[rng.int(p.stored.length)] ^= 1 << rng.int(8);
  if (rng.int(4) === 0) p.originalSize = Number(rng.pick([0n, 1n, 511n, 4096n, 2n ** 32n, 2n ** 40n]));
  if (rng.int(6) === 0) p.stored = p.stored.subarray(0, rng.int(p.stored.length + 1));
  if (rng.int(8) === 0) {
    p.ops = rng.pick<number[]>([[], [OP.TAR], [OP.GZIP], [OP.TAR, OP.GZIP], [OP.GZIP, OP.TAR], [0x13]]);
    if (rng.int(4) !== 0) slots[i].operations = operationsToString(p.ops); // mostly consistent, so decoders run
  }
  return writePrepared(
    {
      launcher: seedBuf.subarray(0, pkg.index.numbers.launcher_size),
      metadata: { package: pkg.metadata.package as JsonObject, execution: pkg.metadata.execution as JsonObject },
      slots,
      keys: { key: fuzzKey() },
    },
    prepared,
  );
}

/** Byte and field mutations on the whole file, then (half the time) index and metadata checksums re-fixed. */
function mutateBytes(rng: Prng, seedBuf: Buffer): Buffer {
  let b = Buffer.from(seedBuf);
  const trailer = b.length - TRAILER_SIZE;
  const kind = rng.int(5);
  if (kind === 0) for (let k = 1 + rng.int(8); k > 0; k--) b[rng.int(b.length)] ^= 1 << rng.int(8);
  else if (kind === 1) {
    const field = rng.pick([8, 16, 24, 32, 40, 48, 56]);
    b.writeBigUInt64LE(rng.pick(EXTREMES) & (2n ** 64n - 1n), trailer + 4 + field);
  } else if (kind === 2) {
    const table = Number(b.readBigUInt64LE(trailer + 4 + 40));
    const at = table + 64 * rng.int(4) + 8 * rng.int(8);
    if (at + 8 <= trailer) b.writeBigUInt64LE(rng.pick(EXTREMES), at);
  } else if (kind === 3) b = b.subarray(0, rng.int(b.length));
  else b = Buffer.concat([b.subarray(0, rng.int(b.length)), rng.bytes(rng.int(64)), b.subarray(rng.int(b.length))]);
  if (rng.int(2) === 0) fixChecksums(b);
  return b;
}

/** Recomputes the metadata SHA-256 (when its region is in bounds) and the index Adler-32 after an edit. */
export function fixChecksums(b: Buffer): void {
  if (b.length < TRAILER_SIZE) return;
  const ix = b.length - TRAILER_SIZE + 4;
  const off = b.readBigUInt64LE(ix + 24);
  const size = b.readBigUInt64LE(ix + 32);
  if (off + size <= BigInt(b.length)) sha256(b.subarray(Number(off), Number(off + size))).copy(b, ix + 96);
  b.writeUInt32LE(indexChecksum(b.subarray(ix, ix + 8192)), ix + 4);
}

/**
 * Reads one package every way the CLI would; 'rejected' on a PspfError, throws anything else. A package that
 * verify passes must then read completely: a later refusal means verify missed a check (thrown as a crash).
 */
export function exercise(buf: Buffer): 'accepted' | 'rejected' {
  let verified = false;
  try {
    verified = verifyPackage(buf, { signature: 'optional' }).verdicts.valid;
    const pkg = readPackage(buf);
    for (let i = 0; i < pkg.slots.length; i++) {
      const data = readSlot(buf, pkg, i, { maxSize: 64 * 1024 * 1024 });
      if ((pkg.slots[i].operations & 0xffn) === BigInt(OP.TAR)) readTarSafe(data);
    }
    return 'accepted';
  } catch (e) {
    if (!(e instanceof PspfError)) throw e;
    if (verified) throw new Error(`verify passed a package that reading then refused: ${e.message}`, { cause: e });
    return 'rejected';
  }
}

export function fuzz(iterations: number, seed = 1, hangMs = 5000, onProgress?: (r: FuzzResult) => void): FuzzResult {
  const rng = new Prng(seed);
  const seeds = seedPackages();
  const r: FuzzResult = { iterations: 0, rejected: 0, accepted: 0, failures: [], maxMs: 0 };
  for (let it = 0; it < iterations; it++) {
    const base = rng.pick(seeds);
    const t0 = performance.now();
    try {
      const mutant = rng.int(4) === 0 ? hostileSlot(rng, base) : mutateBytes(rng, base);
      r[exercise(mutant)]++;
    } catch (e) {
      r.failures.push({ iteration: it, kind: 'crash', message: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300) });
    }
    const ms = performance.now() - t0;
    r.maxMs = Math.max(r.maxMs, ms);
    if (ms > hangMs) r.failures.push({ iteration: it, kind: 'hang', message: `took ${ms.toFixed(0)} ms` });
    r.iterations++;
    if (onProgress && it % 10000 === 9999) onProgress(r);
  }
  return r;
}
