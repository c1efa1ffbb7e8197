/** Random access to a package's bytes, in memory or through a file descriptor, so huge files need not be loaded. */
import { constants as bufferConstants } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { PspfError } from './errors';

export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (callers have bounds-checked the range). */
  read(offset: number, length: number): Buffer;
}

export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (off, len) => buf.subarray(off, off + len) };
}

export function asSource(x: Buffer | ByteSource): ByteSource {
  return Buffer.isBuffer(x) ? bufferSource(x) : x;
}

/** Positional reads on an open file; the size is taken once, so a file that changes underneath is caught. */
export function fdSource(fd: number): ByteSource {
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(off, len) {
      if (len > bufferConstants.MAX_LENGTH) throw new PspfError('E_PSPF_TOO_LARGE', `a ${len}-byte region does not fit in memory`);
      const buf = Buffer.alloc(len);
      for (let got = 0; got < len;) {
        const n = fs.readSync(fd, buf, got, len - got, off + got);
        if (n === 0) throw new PspfError('E_PSPF_IO', `file ended early while reading ${len} bytes at ${off}`);
        got += n;
      }
      return buf;
    },
  };
}

/** SHA-256 of a range, read in 4 MiB pieces so any size works with little memory. */
export function sha256Range(src: ByteSource, off: number, len: number): Buffer {
  const h = createHash('sha256');
  const STEP = 4 << 20;
  for (let done = 0; done < len; done += STEP) h.update(src.read(off + done, Math.min(STEP, len - done)));
  return h.digest();
}

/** fs.writeSync may write less than asked (large buffers, signals); this loops until every byte is out. */
export function writeAll(fd: number, data: Uint8Array, offset = 0, length = data.length - offset): void {
  for (let done = 0; done < length;) done += fs.writeSync(fd, data, offset + done, length - done);
}
