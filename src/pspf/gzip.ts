/**
 * gzip exactly as the reference writes it (pako 2.x deflate is byte-identical to CPython's zlib 1.2.13; Node's
 * zlib is not), and bounded gunzip for reading (Node's zlib, output capped so a bomb stops at the cap).
 */
import * as zlib from 'node:zlib';
import pako from 'pako';
import { PspfError } from './errors';

/** CPython `gzip.compress(json, mtime=0)`: level 9, header `1f8b 0800 00000000 02 03`. */
export function gzipMetadata(json: Uint8Array): Buffer {
  return Buffer.from(pako.gzip(json, { level: 9 }));
}

/**
 * Which deflate produces slot bytes. `reference` (pako 2.x) is byte-identical to the FlavorPack reference and
 * the same on every machine; `native` (Node's zlib) is ~3× faster but its bytes depend on Node's zlib build.
 */
export type Deflater = 'reference' | 'native';

/**
 * CPython `gzip.compress(data, level)` as the reference's slot compressor calls it: a hand-built header with
 * mtime, XFL (2 at level 9, 4 at level 1, else 0) and OS 0xff, raw deflate, CRC-32, length mod 2^32.
 */
export function gzipSlot(data: Uint8Array, level: number, mtime: number, deflater: Deflater = 'reference'): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, 0xff]);
  header.writeUInt32LE(mtime >>> 0, 4);
  const body = deflater === 'native' ? zlib.deflateRawSync(data, { level }) : pako.deflateRaw(data, { level: level as pako.DeflateOptions['level'] });
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(zlib.crc32(data) >>> 0, 0);
  tail.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([header, body, tail]);
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 3 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 0x08;
}

/**
 * Gunzips exactly one gzip member read from `input` (chunks in file order), handing each decoded piece to
 * `onData` and stopping as soon as the output passes `cap`: a bomb costs at most `cap` bytes of work. Like the
 * launcher (zlib, windowBits 31), it refuses corrupt data, a CRC-32/length mismatch, a truncated stream and any
 * byte after the member (trailing data or a second member). Returns the decoded length.
 */
export function inflateBounded(input: Iterable<Uint8Array>, cap: number, what: string, onData?: (piece: Uint8Array) => void): number {
  // `ended` and `strm` are pako's own fields (lib/inflate.js), missing from its type declarations
  const inf = new pako.Inflate({ windowBits: 31, chunkSize: 64 * 1024 }) as pako.Inflate & { ended: boolean; strm: { avail_in: number; total_in: number } };
  const over = new Error('over the cap');
  let produced = 0;
  let consumed = 0;
  inf.onData = (piece: Uint8Array) => {
    produced += piece.length;
    if (produced > cap) throw over;
    onData?.(piece);
  };
  try {
    for (const chunk of input) {
      if (chunk.length === 0) continue;
      if (inf.ended) throw new PspfError('E_PSPF_GZIP', `${what}: data after the gzip stream`);
      inf.push(chunk, false);
      consumed += chunk.length;
      if (inf.err) throw new PspfError('E_PSPF_GZIP', `${what}: corrupt gzip data (${inf.msg || inf.err})`);
    }
  } catch (e) {
    if (e === over) throw new PspfError('E_PSPF_DECLARED_SIZE', `${what}: decompresses to more than the declared ${cap} bytes`);
    throw e;
  }
  if (!inf.ended) throw new PspfError('E_PSPF_GZIP', `${what}: gzip stream is truncated`);
  // pako silently starts a second member after the first; its counters then cover only the last one
  if (inf.strm.avail_in !== 0 || inf.strm.total_in !== consumed) throw new PspfError('E_PSPF_GZIP', `${what}: data after the gzip stream`);
  return produced;
}

/** inflateBounded over one buffer, returning the decoded bytes. */
export function gunzipBounded(data: Uint8Array, cap: number, what: string): Buffer {
  if (!isGzip(data)) throw new PspfError('E_PSPF_GZIP', `${what}: not gzip data`);
  const pieces: Uint8Array[] = [];
  const n = inflateBounded(chunksOf(data, 1 << 20), cap, what, (p) => pieces.push(p));
  return Buffer.concat(pieces, n);
}

function* chunksOf(data: Uint8Array, step: number): Generator<Uint8Array> {
  for (let off = 0; off < data.length; off += step) yield data.subarray(off, off + step);
}
