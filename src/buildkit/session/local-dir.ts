/**
 * Writes a tree received from the local exporter into a destination directory, refusing any entry
 * that would land outside it (`..`, absolute paths, or a path through a symlink it received).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ReceiveHandler } from './packet-receiver';
import { GoMode } from './walk';
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

/** The absolute path of `rel` inside `dest`; throws when it escapes or passes through a symlink. */
export async function resolveInside(dest: string, rel: string): Promise<string> {
  const norm = path.posix.normalize(rel);
  if (rel === '' || path.posix.isAbsolute(rel) || norm === '..' || norm.startsWith('../') || norm === '.') {
    throw new Error(`refusing path "${rel}" outside the output directory`);
  }
  const parts = norm.split('/');
  let cur = dest;
  for (const part of parts.slice(0, -1)) {
    cur = path.join(cur, part);
    const st = await fs.promises.lstat(cur).catch(() => undefined);
    if (st && !st.isDirectory()) throw new Error(`refusing path "${rel}": "${part}" is not a directory`);
  }
  return path.join(dest, ...parts);
}

function mtimeSeconds(stat: Stat): number {
  return Number(BigInt(stat.modTime ?? '0')) / 1e9;
}

/** A ReceiveHandler that materialises the tree under `dest` (created if missing). */
export function diskWriter(dest: string): ReceiveHandler & { finish(): Promise<void> } {
  const open = new Map<number, { fh: fs.promises.FileHandle; stat: Stat; file: string }>();
  const dirs: { file: string; stat: Stat }[] = [];
  let made = false;
  const ensureDest = async (): Promise<void> => {
    if (!made) await fs.promises.mkdir(dest, { recursive: true });
    made = true;
  };
  return {
    async onStat(stat, id) {
      await ensureDest();
      const file = await resolveInside(dest, stat.path);
      const existing = await fs.promises.lstat(file).catch(() => undefined);
      if (stat.mode & GoMode.dir) {
        if (existing && !existing.isDirectory()) await fs.promises.rm(file, { recursive: true });
        if (!existing?.isDirectory()) await fs.promises.mkdir(file);
        await fs.promises.chmod(file, posixMode(stat.mode) | 0o700);
        dirs.push({ file, stat });
        return false;
      }
      if (existing) await fs.promises.rm(file, { recursive: true, force: true });
      if (stat.mode & GoMode.symlink) {
        await fs.promises.symlink(stat.linkname ?? '', file);
        return false;
      }
      if ((stat.mode & (GoMode.namedPipe + GoMode.socket + GoMode.device)) !== 0) return false; // not representable here
      if (stat.linkname) {
        await fs.promises.link(await resolveInside(dest, stat.linkname), file);
        return false;
      }
      open.set(id, { fh: await fs.promises.open(file, 'wx', 0o600), stat, file });
      return true;
    },
    async onData(id, chunk) {
      const f = open.get(id);
      if (!f) throw new Error(`file send: data for unknown id ${id}`);
      await f.fh.write(chunk);
    },
    async onFileEnd(id) {
      const f = open.get(id);
      if (!f) throw new Error(`file send: end of unknown id ${id}`);
      open.delete(id);
      await f.fh.close();
      await fs.promises.chmod(f.file, posixMode(f.stat.mode));
      await fs.promises.utimes(f.file, mtimeSeconds(f.stat), mtimeSeconds(f.stat));
    },
    async finish() {
      for (const d of dirs.reverse()) {
        await fs.promises.chmod(d.file, posixMode(d.stat.mode));
        await fs.promises.utimes(d.file, mtimeSeconds(d.stat), mtimeSeconds(d.stat));
      }
    },
  };
}
