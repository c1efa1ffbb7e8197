/**
 * A deterministic tar writer that reproduces CPython tarfile (PAX) as the reference drives it: files and
 * symlinks-to-files only, sorted by path components, zeroed ownership and mtime, 10240-byte record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PspfError } from './errors';
import { regularFileChunks } from './source-file';
import { BLOCK, RECORD, TYPE, encodeHeader, padToBlock, paxRecord } from './tar-header';

export interface TarEntry {
  name: string; // '/'-separated, relative
  type: 'file' | 'symlink' | 'hardlink';
  mode: number;
  data?: Uint8Array; // file content in memory, or:
  path?: string | Buffer; // file content read from disk while the tar is written (with `size`); a Buffer: name bytes
  size?: number; // for `path` entries
  linkname?: string; // symlink text, or the archive name a hardlink points to
  /** The exact bytes of `name` / `linkname` when they are not UTF-8 (Linux allows any byte): written as PAX records. */
  nameBytes?: Buffer;
  linknameBytes?: Buffer;
}

const MAX_OCTAL_SIZE = 8 ** 11;

function entrySize(e: TarEntry): number {
  if (e.type !== 'file') return 0;
  return e.data ? e.data.length : (e.size ?? 0);
}

/** A file entry's content in chunks; a file that changed size since it was listed is an error. */
function* contentChunks(e: TarEntry, size: number): Generator<Buffer> {
  if (e.data) return yield Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length);
  let done = 0;
  for (const c of regularFileChunks(e.path!, `tar member ${e.name}`)) {
    done += c.length;
    if (done > size) throw new PspfError('E_PSPF_SOURCE', `${e.path} grew while it was being packed`);
    yield c;
  }
  if (done !== size) throw new PspfError('E_PSPF_SOURCE', `${e.path} shrank while it was being packed`);
}

/** The archive as a sequence of chunks (headers, content, padding, end blocks, record padding). */
export function* tarChunks(entries: TarEntry[]): Generator<Buffer> {
  let total = 0;
  for (const e of entries) {
    const size = entrySize(e);
    const pax = paxHeaders(e, size);
    const type = e.type === 'file' ? TYPE.FILE : e.type === 'symlink' ? TYPE.SYMLINK : TYPE.HARDLINK;
    const head = [encodeHeader({ name: e.name, mode: e.mode, size: size >= MAX_OCTAL_SIZE ? 0 : size, type, linkname: e.linkname })];
    if (pax.length > 0)
      head.unshift(encodeHeader({ name: '././@PaxHeader', mode: 0, size: pax.length, type: TYPE.PAX }), pax, Buffer.alloc(padToBlock(pax.length)));
    const h = Buffer.concat(head);
    total += h.length;
    yield h;
    if (size === 0) continue;
    for (const c of contentChunks(e, size)) yield c;
    const pad = Buffer.alloc(padToBlock(size));
    total += size + pad.length;
    if (pad.length > 0) yield pad;
  }
  total += 2 * BLOCK;
  yield Buffer.alloc(2 * BLOCK + ((RECORD - (total % RECORD)) % RECORD));
}

/** Serialises entries in the given order into one buffer. */
export function writeTar(entries: TarEntry[]): Buffer {
  return Buffer.concat([...tarChunks(entries)]);
}

/** tarfile's create_pax_header: path/linkpath when non-ASCII or over 100 chars, size when over 8 GiB. */
function paxHeaders(e: TarEntry, size: number): Buffer {
  const records: Buffer[] = [];
  // eslint-disable-next-line no-control-regex -- any non-ASCII character (NUL included) needs a PAX record
  const needs = (s: string): boolean => /[^\x00-\x7f]/.test(s) || s.length > 100;
  if (e.nameBytes) records.push(paxRecord('path', e.nameBytes));
  else if (needs(e.name)) records.push(paxRecord('path', e.name));
  if (e.linknameBytes) records.push(paxRecord('linkpath', e.linknameBytes));
  else if (e.linkname !== undefined && needs(e.linkname)) records.push(paxRecord('linkpath', e.linkname));
  if (size >= MAX_OCTAL_SIZE) records.push(paxRecord('size', String(size)));
  return Buffer.concat(records);
}

/** Compares paths component by component, by code point (UTF-8 byte order is code point order). */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i], 'utf8'), Buffer.from(pb[i], 'utf8'));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/**
 * The entries of `dir` as the reference tars it: sorted(rglob("*")) filtered by is_file(); symlinks to files
 * become symlink entries (lstat mode), other symlinks are skipped, symlinked dirs are not descended;
 * a second name for an already-seen inode becomes a hardlink, as tarfile does. `lazy` leaves file content on
 * disk (path + size) to be read while the tar is written.
 */
export function collectDir(dir: string, opts: { lazy?: boolean } = {}): TarEntry[] {
  const names: string[] = [];
  walk(dir, '', names);
  names.sort(comparePaths);
  const seen = new Map<string, string>();
  const entries: TarEntry[] = [];
  for (const name of names) {
    const full = path.join(dir, ...name.split('/'));
    const st = fs.lstatSync(full);
    if (st.isSymbolicLink()) {
      entries.push({ name, type: 'symlink', mode: st.mode & 0o7777, linkname: fs.readlinkSync(full) });
      continue;
    }
    const inode = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? seen.get(inode) : undefined;
    if (first !== undefined) {
      entries.push({ name, type: 'hardlink', mode: st.mode & 0o7777, linkname: first });
      continue;
    }
    if (st.nlink > 1) seen.set(inode, name);
    if (opts.lazy) entries.push({ name, type: 'file', mode: st.mode & 0o7777, path: full, size: st.size });
    else entries.push({ name, type: 'file', mode: st.mode & 0o7777, data: fs.readFileSync(full) });
  }
  return entries;
}

function walk(root: string, rel: string, out: string[]): void {
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch (e) {
    throw new PspfError('E_PSPF_SOURCE', `cannot read directory ${path.join(root, rel)}: ${(e as Error).message}`);
  }
  for (const d of dirents) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) walk(root, name, out);
    else if (d.isFile()) out.push(name);
    else if (d.isSymbolicLink() && isFileFollowing(path.join(root, name))) out.push(name);
  }
}

function isFileFollowing(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false; // dangling
  }
}
