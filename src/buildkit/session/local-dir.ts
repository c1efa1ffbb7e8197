/**
 * Writes a tree received from the local exporter into a destination directory, refusing any entry
 * that would land outside it (`..`, absolute paths, or a path through a symlink it received).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ReceiveHandler } from './packet-receiver';
import { GoMode } from '../../fsutil/walk';
import type { Stat } from './wire';

/** What `fileSend` returns for a `type=local` exporter: write the tree into `dest`. */
export interface LocalDirReceiver {
  type: 'local';
  dest: string;
}

export function localDirReceiver(dest: string): LocalDirReceiver {
  return { type: 'local', dest };
}

/** Go os.FileMode → POSIX permission bits (with setuid/setgid/sticky). */
export function posixMode(goMode: number): number {
  let m = goMode & 0o777;
  if (goMode & GoMode.setuid) m |= 0o4000;
  if (goMode & GoMode.setgid) m |= 0o2000;
  if (goMode & GoMode.sticky) m |= 0o1000;
  return m;
}

/**
 * Paths here are byte strings: each char is one byte of the name (latin1), so a name that is not UTF-8 keeps
 * its bytes ("/" and "." are the same byte either way); `fsPath` turns one back into the Buffer fs takes.
 */
export const byteString = (b: Buffer): string => b.toString('latin1');
export const fsPath = (s: string): Buffer => Buffer.from(s, 'latin1');
const shown = (s: string): string => fsPath(s).toString('utf8');

/**
 * The absolute path of `rel` inside `dest` (both byte strings); throws when it escapes or passes through a
 * symlink. `dirs` holds the parents already seen to be real directories (relative paths), so each is looked at
 * once per tree, not once per entry under it; the caller forgets a path (and what is under it) when it
 * replaces that path.
 */
export function resolveInside(dest: string, rel: string, dirs: Set<string> = new Set()): string {
  const norm = path.posix.normalize(rel);
  if (rel === '' || path.posix.isAbsolute(rel) || norm === '..' || norm.startsWith('../') || norm === '.') {
    throw new Error(`refusing path "${shown(rel)}" outside the output directory`);
  }
  const parts = norm.split('/');
  let relDir = '';
  for (const part of parts.slice(0, -1)) {
    relDir = relDir ? `${relDir}/${part}` : part;
    if (dirs.has(relDir)) continue;
    // lstat without throwing: an exception per missing path is slow, and a rootfs has thousands
    const st = fs.lstatSync(fsPath(path.join(dest, relDir)), { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new Error(`refusing path "${shown(rel)}": "${shown(part)}" is not a directory`);
    if (st) dirs.add(relDir);
  }
  return path.join(dest, ...parts);
}

/** Forgets `rel` and every directory under it (it is being replaced, maybe by a symlink). */
function forget(dirs: Set<string>, rel: string): void {
  dirs.delete(rel);
  const under = `${rel}/`;
  for (const d of dirs) if (d.startsWith(under)) dirs.delete(d);
}

function mtimeSeconds(stat: Stat): number {
  return Number(BigInt(stat.modTime ?? '0')) / 1e9;
}

/**
 * A ReceiveHandler that materialises the tree under `dest` (created if missing); `abandon` closes the files of
 * a transfer that failed. Its file-system calls are synchronous: entries arrive one after another and each is a
 * few small calls, so going through the thread pool and a promise per call only added latency to every entry.
 */
export function diskWriter(dest: string): ReceiveHandler & { finish(): Promise<void>; abandon(): void } {
  const open = new Map<number, { fd: number; stat: Stat }>();
  const dirs: { file: Buffer; stat: Stat }[] = [];
  let made = false;
  const seenDirs = new Set<string>();
  const destBytes = byteString(Buffer.from(dest));
  return {
    onStat(stat, id) {
      if (!made) fs.mkdirSync(dest, { recursive: true });
      made = true;
      // names as bytes end to end: a name that is not UTF-8 arrives in pathBytes (wire.ts) and lands as is
      const relBytes = byteString(stat.pathBytes ?? Buffer.from(stat.path, 'utf8'));
      const rel = path.posix.normalize(relBytes);
      const file = fsPath(resolveInside(destBytes, relBytes, seenDirs));
      const existing = fs.lstatSync(file, { throwIfNoEntry: false });
      if (stat.mode & GoMode.dir) {
        if (existing && !existing.isDirectory()) {
          forget(seenDirs, rel);
          fs.rmSync(file, { recursive: true });
        }
        if (!existing?.isDirectory()) fs.mkdirSync(file);
        seenDirs.add(rel);
        fs.chmodSync(file, posixMode(stat.mode) | 0o700);
        dirs.push({ file, stat });
        return false;
      }
      if (existing) {
        forget(seenDirs, rel);
        fs.rmSync(file, { recursive: true, force: true });
      }
      const link = stat.linknameBytes ?? Buffer.from(stat.linkname ?? '', 'utf8');
      if (stat.mode & GoMode.symlink) {
        fs.symlinkSync(link, file);
        return false;
      }
      if ((stat.mode & (GoMode.namedPipe + GoMode.socket + GoMode.device)) !== 0) return false; // not representable here
      if (link.length > 0) {
        fs.linkSync(fsPath(resolveInside(destBytes, byteString(link), seenDirs)), file);
        return false;
      }
      open.set(id, { fd: fs.openSync(file, 'wx', 0o600), stat });
      return true;
    },
    onData(id, chunk) {
      const f = open.get(id);
      if (!f) throw new Error(`file send: data for unknown id ${id}`);
      for (let off = 0; off < chunk.length;) off += fs.writeSync(f.fd, chunk, off);
    },
    onFileEnd(id) {
      const f = open.get(id);
      if (!f) throw new Error(`file send: end of unknown id ${id}`);
      open.delete(id);
      try {
        fs.fchmodSync(f.fd, posixMode(f.stat.mode));
        fs.futimesSync(f.fd, mtimeSeconds(f.stat), mtimeSeconds(f.stat));
      } finally {
        fs.closeSync(f.fd);
      }
    },
    async finish() {
      for (const d of dirs.reverse()) {
        fs.chmodSync(d.file, posixMode(d.stat.mode));
        fs.utimesSync(d.file, mtimeSeconds(d.stat), mtimeSeconds(d.stat));
      }
    },
    abandon() {
      for (const f of open.values()) fs.closeSync(f.fd);
      open.clear();
    },
  };
}
