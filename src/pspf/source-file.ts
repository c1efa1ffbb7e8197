/**
 * Reading a slot's source from disk by the rule every cogpack input follows (src/regular-file.ts): a directory
 * is tarred, anything else must be a regular file (after a followed symlink), read within a cap, never waited on.
 */
import * as fs from 'node:fs';
import { UsageError } from '../errors';
import { describeErrno, openRegularFile } from '../regular-file';
import { PspfError } from './errors';

const CHUNK = 1 << 20;

/** A slot source the user named: refusals are one line and a usage error (exit 64), naming the slot and file. */
function fail(what: string, file: string | Buffer) {
  return {
    what: `${what}: source ${file}`,
    fail: (code: string, message: string, hint: string) => new UsageError(code === 'E_FILE_MISSING' ? 'E_PSPF_SOURCE' : code, message, { hint }),
  };
}

/** Whether a source is a directory (symlinks followed, as for every source); a missing one is refused. */
export function sourceIsDirectory(file: string, what: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (e) {
    const { text } = describeErrno(e);
    throw new UsageError('E_PSPF_SOURCE', `${what}: source ${file} ${text}`, { hint: 'fix the path in --slot or [[tool.flavor.slots]]' });
  }
}

/**
 * A file's bytes in chunks, opened the way regular-file.ts opens everything (never blocking on a FIFO, a device
 * refused by fstat on the same descriptor, a size cap) and read to exactly the size fstat gave: a file that
 * shrinks or grows while it is packed is an error, not a longer slot.
 */
export function* regularFileChunks(file: string | Buffer, what: string): Generator<Buffer> {
  const { fd, size } = openRegularFile(file, { kind: 'slot-source', ...fail(what, file) });
  try {
    for (let done = 0; done < size;) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - done));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) throw new PspfError('E_PSPF_SOURCE', `${what}: ${file} shrank while it was being packed`);
      done += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
    if (fs.readSync(fd, Buffer.alloc(1), 0, 1, null) !== 0) throw new PspfError('E_PSPF_SOURCE', `${what}: ${file} grew while it was being packed`);
  } finally {
    fs.closeSync(fd);
  }
}
