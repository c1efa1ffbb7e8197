/** Byte-level helpers: overflow-safe integer reads/writes, Adler-32, SHA-256 and its u64 truncation. */
import { createHash } from 'node:crypto';
import { PspfError } from './errors';

/** Reads a u64 LE as a Number, refusing anything above 2^53 − 1 so later arithmetic stays exact. */
export function readSafeU64(buf: Buffer, off: number, field: string): number {
  const v = buf.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PspfError('E_PSPF_FIELD_RANGE', `${field} is ${v}, larger than any real package`);
  }
  return Number(v);
}

/** a + b, both non-negative safe integers, failing instead of losing precision. */
export function checkedAdd(a: number, b: number, what: string): number {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new PspfError('E_PSPF_FIELD_RANGE', `${what} overflows`);
  return s;
}

/** True when [off, off+len) lies within [lo, hi). */
export function within(off: number, len: number, lo: number, hi: number): boolean {
  return off >= lo && len >= 0 && off <= hi && len <= hi - off;
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The descriptor form of a checksum or name hash: the first 8 bytes of SHA-256 as a u64 LE. */
export function sha256U64(data: Uint8Array): bigint {
  return sha256(data).readBigUInt64LE(0);
}

/** zlib's Adler-32 (RFC 1950), processed in runs short enough that the sums never leave exact range. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const MOD = 65521;
  const NMAX = 5552;
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + NMAX, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

export function isAllZero(buf: Uint8Array): boolean {
  for (const x of buf) if (x !== 0) return false;
  return true;
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
