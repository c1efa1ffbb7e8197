/** Deterministic incompressible bytes (AES-128-CTR keystream of a seed) for heavy test packages. */
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import type { StreamedContent } from './zip';

const CHUNK = 4 << 20;

function* keystream(seed: string, size: number): Iterable<Buffer> {
  const key = crypto.createHash('sha256').update(`cogpack-payload:${seed}`).digest();
  const cipher = crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) {
    yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
  }
}

/** `size` bytes that depend only on `seed`; compressors cannot shrink them, as with real model binaries. */
export function incompressiblePayload(seed: string, size: number): StreamedContent & { sha256: Buffer } {
  const hash = crypto.createHash('sha256');
  let crc = 0;
  for (const chunk of keystream(seed, size)) {
    hash.update(chunk);
    crc = zlib.crc32(chunk, crc);
  }
  return { size, crc32: crc, sha256: hash.digest(), chunks: () => keystream(seed, size) };
}
