/**
 * A strict tar reader: header checksums, octal fields, sizes within the archive, PAX/GNU long names, and a
 * path policy that refuses members escaping the extraction root (absolute, `..`, links pointing out).
 */
import * as path from 'node:path';
import { PspfError } from './errors';
import { BLOCK, padToBlock } from './tar-header';

export interface TarMember {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  size: number;
  linkname: string;
  dataOffset: number; // into the tar buffer
  pax: Record<string, string>;
}

const TYPES: Record<string, TarMember['type']> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'dir' };

function fail(msg: string): never {
  throw new PspfError('E_PSPF_TAR', `tar: ${msg}`);
}

function field(h: Buffer, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8');
}

function octalField(h: Buffer, off: number, len: number, what: string): number {
  if (h[off] & 0x80) fail(`${what}: base-256 numbers are not supported`);
  const s = field(h, off, len).replace(/[ ]+$/, '').replace(/^ +/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) fail(`${what} is not an octal number`);
  const n = parseInt(s, 8);
  if (!Number.isSafeInteger(n)) fail(`${what} is out of range`);
  return n;
}

function paxNumber(v: string, what: string): number {
  if (!/^[0-9]{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`${what} "${v.slice(0, 20)}" is not a number`);
  return Number(v);
}

function checksumOk(h: Buffer): boolean {
  const stored = octalField(h, 148, 8, 'header checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) fail('malformed PAX record');
    const len = Number(data.subarray(pos, sp).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > data.length) fail('malformed PAX record length');
    const rec = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq < 0 || data[pos + len - 1] !== 0x0a) fail('malformed PAX record');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Lists every member; the archive must end with a zero block and every member must lie inside it. */
export function readTar(tar: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let pos = 0;
  let pax: Record<string, string> = {};
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  for (;;) {
    if (pos + BLOCK > tar.length) fail('archive ends without an end-of-archive block');
    const h = tar.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) return members;
    if (!checksumOk(h)) fail(`bad header checksum at offset ${pos}`);
    const size = pax.size !== undefined ? paxNumber(pax.size, 'PAX size') : octalField(h, 124, 12, 'size');
    const dataOffset = pos + BLOCK;
    if (size > tar.length - dataOffset) fail(`member at offset ${pos} is larger than the archive`);
    const data = tar.subarray(dataOffset, dataOffset + size);
    const typeflag = String.fromCharCode(h[156]);
    pos = dataOffset + size + padToBlock(size);
    if (typeflag === 'x') { pax = parsePax(data); continue; }
    if (typeflag === 'g') continue;
    if (typeflag === 'L') { gnuName = field(data, 0, data.length); continue; }
    if (typeflag === 'K') { gnuLink = field(data, 0, data.length); continue; }
    const type = TYPES[typeflag] ?? fail(`member type '${typeflag.replace(/[^\x20-\x7e]/g, '?')}' (device, fifo…) is not allowed`);
    const prefix = h.subarray(257, 263).toString('latin1') === 'ustar\0' ? field(h, 345, 155) : '';
    const base = field(h, 0, 100);
    const name = pax.path ?? gnuName ?? (prefix ? `${prefix}/${base}` : base);
    const linkname = pax.linkpath ?? gnuLink ?? field(h, 157, 100);
    members.push({ name, type, mode: octalField(h, 100, 8, 'mode'), size: type === 'file' ? size : 0, linkname, dataOffset, pax });
    pax = {};
    gnuName = gnuLink = undefined;
  }
}

/** The normalised relative path of a member, or a PspfError if it is absolute or climbs out of the root. */
export function safeMemberPath(name: string): string {
  if (name.includes('\0')) fail('member name contains NUL');
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) fail(`absolute member path "${name}"`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) fail(`member path "${name}" contains ".."`);
  if (parts.length === 0) fail(`empty member path "${name}"`);
  return parts.join('/');
}

/** Refuses links whose target leaves the root: absolute symlinks, or `..` reaching above it. */
export function checkLinkTarget(m: TarMember): void {
  if (m.type === 'hardlink') {
    safeMemberPath(m.linkname);
    return;
  }
  if (m.type !== 'symlink') return;
  if (m.linkname === '' || m.linkname.startsWith('/')) fail(`symlink "${m.name}" points outside the target ("${m.linkname}")`);
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(safeMemberPath(m.name)), m.linkname));
  if (resolved === '..' || resolved.startsWith('../')) fail(`symlink "${m.name}" points outside the target ("${m.linkname}")`);
}

/** readTar plus the path policy on every member: what extraction will accept. */
export function readTarSafe(tar: Buffer): TarMember[] {
  const members = readTar(tar);
  for (const m of members) {
    m.name = safeMemberPath(m.name);
    checkLinkTarget(m);
  }
  return members;
}
