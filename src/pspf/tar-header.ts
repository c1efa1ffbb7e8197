/** One tar header block as CPython's tarfile writes it (PAX format, ustar magic `ustar\0` `00`). */

export const BLOCK = 512;
export const RECORD = 10240;
export const TYPE = { FILE: '0', HARDLINK: '1', SYMLINK: '2', DIR: '5', PAX: 'x', GLOBAL_PAX: 'g' } as const;

export interface HeaderFields {
  name: string;
  mode: number;
  size: number;
  type: string;
  linkname?: string;
}

/** Zero-padded octal with a NUL terminator, `digits - 1` digits: tarfile's `itn` for in-range values. */
function octal(n: number, digits: number): Buffer {
  return Buffer.from(`${n.toString(8).padStart(digits - 1, '0')}\0`, 'ascii');
}

/** tarfile's `stn`: encode (non-ASCII → '?' like errors="replace"), truncate, NUL-pad. */
function str(s: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  Buffer.from(asciiReplace(s), 'ascii').copy(out, 0, 0, length);
  return out;
}

/** One '?' per non-ASCII code point, as Python's ascii/replace codec does. */
export function asciiReplace(s: string): string {
  let r = '';
  for (const ch of s) r += ch.codePointAt(0)! < 0x80 ? ch : '?';
  return r;
}

/** The 512-byte header; uid/gid/mtime 0, uname/gname empty, devmajor/devminor NUL (tarfile, deterministic). */
export function encodeHeader(f: HeaderFields): Buffer {
  const parts = [
    str(f.name, 100),
    octal(f.mode & 0o7777, 8),
    octal(0, 8),
    octal(0, 8),
    octal(f.size, 12),
    octal(0, 12),
    Buffer.from('        ', 'ascii'),
    Buffer.from(f.type, 'ascii'),
    str(f.linkname ?? '', 100),
    Buffer.from('ustar\x0000', 'latin1'),
    str('', 32),
    str('', 32),
    Buffer.alloc(8),
    Buffer.alloc(8),
    str('', 155),
  ];
  const buf = Buffer.alloc(BLOCK);
  Buffer.concat(parts).copy(buf);
  let sum = 0;
  for (const b of buf) sum += b;
  Buffer.from(`${sum.toString(8).padStart(6, '0')}\0`, 'ascii').copy(buf, 148);
  return buf;
}

/** tarfile's PAX record: "<len> key=value\n" where len counts itself (found by fixpoint); a Buffer value is raw bytes. */
export function paxRecord(key: string, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const body = Buffer.byteLength(key) + bytes.length + 3;
  let p = 0;
  for (;;) {
    const n = body + String(p).length;
    if (n === p) break;
    p = n;
  }
  return Buffer.concat([Buffer.from(`${p} ${key}=`, 'utf8'), bytes, Buffer.from('\n')]);
}

export function padToBlock(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}
