/**
 * A deterministic tar writer that reproduces CPython tarfile (PAX) as the reference drives it: files and
 * symlinks-to-files only, sorted by path components, zeroed ownership and mtime, 10240-byte record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PspfError } from './errors';
import { BLOCK, RECORD, TYPE, encodeHeader, padToBlock, paxRecord } from './tar-header';

export interface TarEntry {
  name: string; // '/'-separated, relative
  type: 'file' | 'symlink' | 'hardlink';
  mode: number;
  data?: Uint8Array; // files only
  linkname?: string; // symlink text, or the archive name a hardlink points to
}

const MAX_OCTAL_SIZE = 8 ** 11;

/** Serialises entries in the given order. */
export function writeTar(entries: TarEntry[]): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const push = (b: Buffer | Uint8Array): void => {
    chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
    total += b.length;
  };
  for (const e of entries) {
    const size = e.type === 'file' ? (e.data?.length ?? 0) : 0;
    const pax = paxHeaders(e, size);
    if (pax.length > 0) {
      push(encodeHeader({ name: '././@PaxHeader', mode: 0, size: pax.length, type: TYPE.PAX }));
      push(pax);
      push(Buffer.alloc(padToBlock(pax.length)));
    }
    const type = e.type === 'file' ? TYPE.FILE : e.type === 'symlink' ? TYPE.SYMLINK : TYPE.HARDLINK;
    push(encodeHeader({ name: e.name, mode: e.mode, size: size >= MAX_OCTAL_SIZE ? 0 : size, type, linkname: e.linkname }));
    if (size > 0) {
      push(e.data!);
      push(Buffer.alloc(padToBlock(size)));
    }
  }
  push(Buffer.alloc(2 * BLOCK));
  push(Buffer.alloc((RECORD - (total % RECORD)) % RECORD));
  return Buffer.concat(chunks, total);
}

/** tarfile's create_pax_header: path/linkpath when non-ASCII or over 100 chars, size when over 8 GiB. */
function paxHeaders(e: TarEntry, size: number): Buffer {
  const records: Buffer[] = [];
  const needs = (s: string): boolean => /[^\x00-\x7f]/.test(s) || s.length > 100;
  if (needs(e.name)) records.push(paxRecord('path', e.name));
  if (e.linkname !== undefined && needs(e.linkname)) records.push(paxRecord('linkpath', e.linkname));
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
 * a second name for an already-seen inode becomes a hardlink, as tarfile does.
 */
export function collectDir(dir: string): TarEntry[] {
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
    entries.push({ name, type: 'file', mode: st.mode & 0o7777, data: fs.readFileSync(full) });
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
