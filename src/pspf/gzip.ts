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
 * Gunzips with the output capped at `cap` bytes: the decompressor stops there instead of inflating a bomb.
 * CRC-32 and length are checked by zlib. Every failure becomes a PspfError naming `what`.
 */
export function gunzipBounded(data: Uint8Array, cap: number, what: string): Buffer {
  if (!isGzip(data)) throw new PspfError('E_PSPF_GZIP', `${what}: not gzip data`);
  try {
    return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, cap) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PspfError('E_PSPF_DECLARED_SIZE', `${what}: decompresses to more than the declared ${cap} bytes`);
    }
    throw new PspfError('E_PSPF_GZIP', `${what}: corrupt gzip data (${(e as Error).message})`, { cause: e });
  }
}
