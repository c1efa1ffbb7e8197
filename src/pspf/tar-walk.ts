/**
 * A streaming tar header walker with the launcher's (src/pspf/launcher/tar.c) rules: checksummed ustar headers,
 * PAX (≤ 1 MiB) and GNU long names (≤ 4096 bytes), allowed member types, and an end-of-archive block before
 * the data ends. Bytes arrive in any chunking; each member is reported as its header is read.
 */
import { PspfError } from './errors';
import { BLOCK, padToBlock } from './tar-header';

export interface TarMember {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  size: number;
  linkname: string;
  dataOffset: number; // from the start of the archive
  pax: Record<string, string>;
}

const TYPES: Record<string, TarMember['type']> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'dir' };
const MAX_PAX = 1 << 20;
const MAX_LONG_NAME = 4096;

export function tarFail(msg: string): never {
  throw new PspfError('E_PSPF_TAR', `tar: ${msg}`);
}

function field(h: Uint8Array, off: number, len: number): string {
  const raw = Buffer.from(h.buffer, h.byteOffset + off, len);
  const nul = raw.indexOf(0);
  return (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8');
}

function octalField(h: Uint8Array, off: number, len: number, what: string): number {
  if (h[off] & 0x80) tarFail(`${what}: base-256 numbers are not supported`);
  const s = field(h, off, len).replace(/[ ]+$/, '').replace(/^ +/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) tarFail(`${what} is not an octal number`);
  const n = parseInt(s, 8);
  if (!Number.isSafeInteger(n)) tarFail(`${what} is out of range`);
  return n;
}

function paxNumber(v: string, what: string): number {
  if (!/^[0-9]{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) tarFail(`${what} "${v.slice(0, 20)}" is not a number`);
  return Number(v);
}

function checksumOk(h: Uint8Array): boolean {
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

/** "LEN key=value\n" records filling the whole extension (a NUL where a record should start is malformed). */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) tarFail('malformed PAX record');
    const lenText = data.subarray(pos, sp).toString('ascii');
    const len = Number(lenText);
    if (!/^[0-9]+$/.test(lenText) || !Number.isSafeInteger(len) || len <= sp - pos || pos + len > data.length) tarFail('malformed PAX record length');
    const rec = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq < 0 || data[pos + len - 1] !== 0x0a) tarFail('malformed PAX record');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

interface Extension {
  kind: 'x' | 'L' | 'K';
  data: Buffer;
  size: number;
  fill: number;
}

export class TarWalker {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private skip = 0;
  private ext: Extension | undefined;
  private pax: Record<string, string> = {};
  private gnuName: string | undefined;
  private gnuLink: string | undefined;
  private pos = 0;
  private lastHeader = 0;
  private done = false;

  constructor(private readonly onMember: (m: TarMember) => void) {}

  /** Feeds the next bytes of the archive; bytes after the end-of-archive block are ignored (as the launcher does). */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.done) {
      const left = chunk.length - at;
      if (this.skip > 0) {
        const n = Math.min(this.skip, left);
        this.skip -= n;
        at += n;
        this.pos += n;
      } else if (this.ext) {
        const n = Math.min(this.ext.data.length - this.ext.fill, left);
        this.ext.data.set(chunk.subarray(at, at + n), this.ext.fill);
        this.ext.fill += n;
        at += n;
        this.pos += n;
        if (this.ext.fill === this.ext.data.length) this.finishExtension(this.ext);
      } else {
        const n = Math.min(BLOCK - this.headerFill, left);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        this.pos += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.readHeader(this.header);
        }
      }
    }
  }

  /** The archive is over: it must have reached its end-of-archive block. */
  finish(): void {
    if (this.skip > 0 || this.ext) tarFail(`member at offset ${this.lastHeader} is larger than the archive`);
    if (!this.done) tarFail('archive ends without an end-of-archive block');
  }

  private finishExtension(e: Extension): void {
    this.ext = undefined;
    const data = e.data.subarray(0, e.size);
    if (e.kind === 'x') this.pax = parsePax(data);
    else if (e.kind === 'L') this.gnuName = field(data, 0, data.length);
    else this.gnuLink = field(data, 0, data.length);
  }

  private readHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    const at = this.pos - BLOCK;
    this.lastHeader = at;
    if (!checksumOk(h)) tarFail(`bad header checksum at offset ${at}`);
    if (h.subarray(257, 262).toString('latin1') !== 'ustar') tarFail(`header at offset ${at} is not ustar`);
    const size = this.pax.size !== undefined ? paxNumber(this.pax.size, 'PAX size') : octalField(h, 124, 12, 'size');
    const typeflag = String.fromCharCode(h[156]);
    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      const max = typeflag === 'x' ? MAX_PAX : MAX_LONG_NAME;
      if (size > max) tarFail(`${typeflag === 'x' ? 'PAX' : 'GNU long name'} header at offset ${at} is larger than ${max} bytes`);
      this.ext = { kind: typeflag, data: Buffer.alloc(size + padToBlock(size)), size, fill: 0 };
      if (this.ext.data.length === 0) this.finishExtension(this.ext);
      return;
    }
    this.skip = size + padToBlock(size);
    if (typeflag === 'g') return;
    const type = TYPES[typeflag] ?? tarFail(`member type '${typeflag.replace(/[^\x20-\x7e]/g, '?')}' (device, fifo…) is not allowed`);
    const prefix = field(h, 345, 155);
    const base = field(h, 0, 100);
    const name = this.pax.path ?? this.gnuName ?? (prefix ? `${prefix}/${base}` : base);
    const linkname = this.pax.linkpath ?? this.gnuLink ?? field(h, 157, 100);
    this.onMember({ name, type, mode: octalField(h, 100, 8, 'mode'), size: type === 'file' ? size : 0, linkname, dataOffset: this.pos, pax: this.pax });
    this.pax = {};
    this.gnuName = this.gnuLink = undefined;
  }
}
