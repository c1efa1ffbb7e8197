/** File-level entry points: read a package file, write one (never clobbering without force), place slots in a dir. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fdSource, type ByteSource } from './byte-source';
import { PspfError } from './errors';
import { openFlagFile } from '../regular-file';
import { extractTar, SAFE_MODE_MASK } from './extract';
import { OP, unpackOperations } from './operations';
import { readPackage, readSlot, type PspfPackage } from './reader';
import { signedMode } from './slot-checks';
import { fileTarget } from './slot-contents';
import { writePackage, type WritePackageOptions } from './writer';

/** Opens a package file for reading: a regular file only (a FIFO would block, a device never ends). */
export function openPackageFd(file: string): number {
  return openFlagFile(file, 'package');
}

export function readFileOrFail(file: string): Buffer {
  const fd = openPackageFd(file);
  try {
    return fs.readFileSync(fd);
  } catch (e) {
    throw new PspfError('E_PSPF_IO', `cannot read ${file}: ${(e as Error).message}`, { file });
  } finally {
    fs.closeSync(fd);
  }
}

export function readPackageFile(file: string): { buf: Buffer; pkg: PspfPackage } {
  const buf = readFileOrFail(file);
  try {
    return { buf, pkg: readPackage(buf) };
  } catch (e) {
    if (e instanceof PspfError && !e.file) throw new PspfError(e.code, e.message, { file, hint: e.hint, cause: e.cause });
    throw e;
  }
}

/**
 * Opens a package for random access without loading it (verify/inspect/extract of any size); call close().
 * The structural checks of readPackage run on open.
 */
export function openPackageFile(file: string): { src: ByteSource; pkg: PspfPackage; close(): void } {
  const fd = openPackageFd(file);
  const src = fdSource(fd);
  try {
    return { src, pkg: readPackage(src), close: () => fs.closeSync(fd) };
  } catch (e) {
    fs.closeSync(fd);
    if (e instanceof PspfError && !e.file) throw new PspfError(e.code, e.message, { file, hint: e.hint, cause: e.cause });
    throw e;
  }
}

/** The same from an open file descriptor (e.g. a launcher's own executable); the fd is left open. */
export function readPackageFd(fd: number): { buf: Buffer; pkg: PspfPackage } {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const n = fs.readSync(fd, buf, got, size - got, got);
    if (n === 0) throw new PspfError('E_PSPF_IO', `file shrank while reading (${got} of ${size} bytes)`);
    got += n;
  }
  return { buf, pkg: readPackage(buf) };
}

/** Writes bytes to `dest` atomically (temp + rename); an existing file is an error unless `force`. */
export function writeOutputFile(dest: string, data: Uint8Array, opts: { force?: boolean; mode?: number } = {}): void {
  if (!opts.force && fs.existsSync(dest)) {
    throw new PspfError('E_PSPF_EXISTS', `${dest} already exists`, { hint: 'pass --force to overwrite it' });
  }
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode: opts.mode ?? 0o644 });
  fs.chmodSync(tmp, opts.mode ?? 0o644);
  fs.renameSync(tmp, dest);
}

/** writePackage to a file, executable (0755), refusing to overwrite unless `force`. Returns the bytes written. */
export function writePackageFile(opts: WritePackageOptions, dest: string, force = false): Buffer {
  const buf = writePackage(opts);
  writeOutputFile(dest, buf, { force, mode: 0o755 });
  return buf;
}

/**
 * Places every slot into `dir` the way the launcher does: tar slots unpacked into the root, other slots written
 * at their target with the signed metadata's mode (0600 when zero), never setuid/setgid/world-writable.
 * readSlot refuses a descriptor mode that differs from the signed one.
 */
export function installSlots(buf: Buffer | ByteSource, pkg: PspfPackage, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  pkg.slots.forEach((d, i) => {
    const data = readSlot(buf, pkg, i);
    if (unpackOperations(d.operations)[0] === OP.TAR) {
      extractTar(data, dir);
      return;
    }
    const dest = path.join(dir, fileTarget(pkg.metadata.slots[i].target, i));
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    const mode = signedMode(pkg.metadata.slots[i].permissions) ?? 0;
    writeOutputFile(dest, data, { force: true, mode: (mode || 0o600) & SAFE_MODE_MASK });
  });
}
