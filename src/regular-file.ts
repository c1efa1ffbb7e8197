/**
 * The one way cogpack reads a file the user named or the project holds: only a regular file, only up to a
 * size that fits its kind. A FIFO would block the read forever and a character device (/dev/zero) never
 * ends, so the file is opened with O_NONBLOCK and checked with fstat on that same descriptor (no race
 * between a check and the open), and the read stops one byte past the cap whatever fstat said.
 */
import * as fs from 'node:fs';
import { UsageError, type CogpackError } from './errors';

/** Largest size accepted per kind of input, in bytes. Each is far above any real file of its kind. */
export const SIZE_CAPS = {
  // cog.yaml, pyproject.toml, requirements files, ignore files: a real one is a few KB. A 50 MB cog.yaml
  // took minutes and gigabytes to be refused, and even 4 MiB of environment entries took 40 s to plan
  'project-text': 2 * 1024 * 1024,
  // uv.lock lists every package of a resolution with hashes; large monorepos reach a few MB
  lockfile: 32 * 1024 * 1024,
  // .python-version holds one version per line
  'python-version': 64 * 1024,
  // BuildKit's secrets provider refuses a secret over 500 KiB (session/secrets/secretsprovider MaxSecretSize)
  secret: 500 * 1024,
  // PEM keys, CA certificates, docker config.json
  key: 1024 * 1024,
  // a plan from `cogpack plan --json`, a local cache's index.json
  json: 16 * 1024 * 1024,
  // a PSPF launcher executable
  executable: 256 * 1024 * 1024,
  // a file packed into a PSPF slot (model weights, an archive): streamed, so only the format's u64 and the disk
  // bound it; the cap keeps a mistaken source (a disk image, a sparse file) from filling the disk
  'slot-source': 256 * 1024 * 1024 * 1024,
} as const;

export type InputKind = keyof typeof SIZE_CAPS;

/** How a refusal is reported: the caller's error class and the name of the input for the message. */
export interface ReadPolicy {
  kind: InputKind;
  /** how the message names the file, e.g. `requirements file "reqs.txt"` */
  what: string;
  /** builds the error of the caller's category (config → 2, usage → 64, …) */
  fail: (code: string, message: string, hint: string) => CogpackError;
}

/** Why a path cannot be read, in words: errno codes become what a user can act on. */
export function describeErrno(e: unknown): { code: string; text: string } {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const text: Record<string, string> = {
    ENOENT: 'does not exist',
    EACCES: 'cannot be read (permission denied)',
    EPERM: 'cannot be read (operation not permitted)',
    ENOTDIR: 'has a parent that is not a directory',
    ENAMETOOLONG: 'has a path that is too long',
    ELOOP: 'is a symlink loop',
    EISDIR: 'is a directory',
  };
  return { code, text: text[code] ?? `cannot be read (${code || (e as Error).message})` };
}

/** What kind of file this is, when it is not a regular one. */
function nonRegularKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens without blocking (a FIFO with no writer would block open(2) itself) and without a controlling tty. */
function openNonBlocking(file: string | Buffer): number {
  const { O_RDONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
  return fs.openSync(file, O_RDONLY | O_NONBLOCK | O_NOCTTY);
}

/**
 * Opens `file` (symlinks followed: the caller has already decided a link is allowed) and checks it is a
 * regular file; the descriptor is the caller's to close. Throws the policy's error otherwise.
 */
export function openRegularFile(file: string | Buffer, p: Omit<ReadPolicy, 'kind'> & { kind?: InputKind }): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openNonBlocking(file);
  } catch (e) {
    const { code, text } = describeErrno(e);
    if (code === 'EISDIR') throw p.fail('E_NOT_A_FILE', `${p.what} is a directory`, 'name a regular file');
    throw p.fail(
      code === 'ENOENT' ? 'E_FILE_MISSING' : 'E_FILE_UNREADABLE',
      `${p.what} ${text}`,
      code === 'ENOENT' ? 'create it or fix the path' : 'fix its permissions or name another file',
    );
  }
  const st = fs.fstatSync(fd);
  const other = nonRegularKind(st);
  if (other) {
    fs.closeSync(fd);
    throw p.fail(st.isDirectory() ? 'E_NOT_A_FILE' : 'E_NOT_REGULAR_FILE', `${p.what} is ${other}, not a regular file`, 'name a regular file');
  }
  if (p.kind && st.size > SIZE_CAPS[p.kind]) {
    fs.closeSync(fd);
    throw tooLarge(p as ReadPolicy, st.size);
  }
  return { fd, size: st.size };
}

function tooLarge(p: ReadPolicy, size: number | string): CogpackError {
  return p.fail(
    'E_FILE_TOO_LARGE',
    `${p.what} is larger than ${formatBytes(SIZE_CAPS[p.kind])} (${typeof size === 'number' ? formatBytes(size) : size})`,
    `no ${p.kind} input needs to be this large; check that it is the right file`,
  );
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Reads a whole regular file within its kind's cap (a file that grows past the cap while read is refused too). */
export function readRegularFile(file: string, p: ReadPolicy): Buffer {
  const cap = SIZE_CAPS[p.kind];
  const { fd, size } = openRegularFile(file, p);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // one byte more than fstat's size, so a file that did not change ends in one read plus the EOF read
    let chunk = Buffer.alloc(Math.min(size, cap) + 1);
    for (;;) {
      const n = readOnce(fd, chunk, p);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > cap) throw tooLarge(p, `more than ${formatBytes(cap)}`);
      chunk = Buffer.alloc(64 * 1024);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

function readOnce(fd: number, buf: Buffer, p: ReadPolicy): number {
  try {
    return fs.readSync(fd, buf, 0, buf.length, null);
  } catch (e) {
    throw p.fail('E_FILE_UNREADABLE', `${p.what} ${describeErrno(e).text}`, 'fix its permissions or name another file');
  }
}

/** A file named on the command line (a key, a plan, a manifest): refusals are usage errors (exit 64). */
export function readFlagFile(file: string, kind: InputKind, what: string): Buffer {
  return readRegularFile(file, { kind, what: `${what} ${file}`, fail: (code, message, hint) => new UsageError(code, message, { hint }) });
}

/** Opens a command-line file of any size (a .psp) for reading: a regular file or a usage error; the caller closes the fd. */
export function openFlagFile(file: string, what: string): number {
  return openRegularFile(file, { what: `${what} ${file}`, fail: (code, message, hint) => new UsageError(code, message, { hint }) }).fd;
}
