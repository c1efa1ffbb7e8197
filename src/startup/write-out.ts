/**
 * Writes a command's output straight to fd 1 or 2. Touching process.stdout (or stderr) makes Node
 * load its stream machinery (SyncWriteStream or net.Socket, and node:stream: a noticeable part
 * of a `cogpack plan`); a short-lived command that prints a few strings does not need it.
 */
import { writeSync } from 'node:fs';

const FDS = { stdout: 1, stderr: 2 } as const;

/**
 * Writes all of `text` (a loop: a pipe may take part of it per call). A non-blocking fd that is full
 * answers EAGAIN: the rest then goes through process.stdout/stderr, which wait for the reader.
 */
export function writeOut(text: string, to: keyof typeof FDS = 'stdout'): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(FDS[to], buf, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process[to].write(buf.subarray(off));
  }
}
