/**
 * Remembers the digests of large files between runs, keyed as git's index keys a file (path, size, mtime,
 * ctime, inode): hashing a 1 GB checkpoint costs about 4 s of CPU here, and every build records its weights.
 * Only a cache: the digest always describes the content, a miss hashes the file again, and a cache that
 * cannot be read or written is ignored. `$COGPACK_CACHE_DIR` (default `$XDG_CACHE_HOME/cogpack`, else
 * `~/.cache/cogpack`) holds it; `COGPACK_CACHE_DIR=` (empty) turns it off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Files from this size on are worth remembering; smaller ones are hashed faster than a cache is read. */
export const CACHED_FROM_BYTES = 1024 * 1024;
/** Entries kept: those of this run first, then earlier ones. */
const MAX_KEPT = 5000;
const FILE = 'file-digests-v1.json';

export interface DigestCache {
  get(abs: string, st: fs.BigIntStats): string | undefined;
  set(abs: string, st: fs.BigIntStats, digest: string): void;
  /** writes the entries of this run (and earlier ones, up to MAX_KEPT) back */
  save(): void;
}

const keyOf = (abs: string, st: fs.BigIntStats): string => `${abs}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.dev}:${st.ino}`;

export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.COGPACK_CACHE_DIR !== undefined) return env.COGPACK_CACHE_DIR || undefined;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cogpack');
}

export function openDigestCache(env: NodeJS.ProcessEnv = process.env): DigestCache {
  const dir = cacheDir(env);
  let earlier: Record<string, string> = {};
  try {
    if (dir) earlier = JSON.parse(fs.readFileSync(path.join(dir, FILE), 'utf8')) as Record<string, string>;
  } catch {
    /* no cache yet, or unreadable: start empty */
  }
  const used = new Map<string, string>();
  return {
    get(abs, st) {
      const key = keyOf(abs, st);
      const hit = used.get(key) ?? (typeof earlier[key] === 'string' ? earlier[key] : undefined);
      if (hit) used.set(key, hit);
      return hit;
    },
    set: (abs, st, digest) => void used.set(keyOf(abs, st), digest),
    save() {
      if (!dir || used.size === 0) return;
      const kept = Object.fromEntries([...used, ...Object.entries(earlier).filter(([k]) => !used.has(k))].slice(0, MAX_KEPT));
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = path.join(dir, `${FILE}.${process.pid}.tmp`);
        fs.writeFileSync(tmp, JSON.stringify(kept));
        fs.renameSync(tmp, path.join(dir, FILE)); // whole file or none: parallel builds may race, the last one wins
      } catch {
        /* a read-only home: hash again next time */
      }
    },
  };
}
