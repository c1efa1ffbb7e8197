/**
 * Walks a context directory in the order fsutil's receiver demands (depth-first, parents first,
 * siblings by byte order) applying include/exclude patterns, and turns each entry into an fsutil Stat.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compilePatterns, isMatched, mayMatchBelow, type CompiledPattern } from './patterns';
import type { Stat } from './wire';

export interface WalkOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Symlinks whose targets are added to the include patterns (fsutil FollowPaths). */
  followPaths?: readonly string[];
}

export interface WalkEntry {
  rel: string;
  abs: string;
  stat: Stat;
}

/** Go os.FileMode type bits (io/fs), which is what Stat.mode carries on the wire. */
export const GoMode = {
  dir: 2 ** 31,
  symlink: 1 << 27,
  device: 1 << 26,
  namedPipe: 1 << 25,
  socket: 1 << 24,
  setuid: 1 << 23,
  setgid: 1 << 22,
  charDevice: 1 << 21,
  sticky: 1 << 20,
} as const;

export function goFileMode(st: fs.BigIntStats): number {
  const m = Number(st.mode);
  let mode = m & 0o777;
  if (st.isDirectory()) mode += GoMode.dir;
  else if (st.isSymbolicLink()) mode += GoMode.symlink;
  else if (st.isBlockDevice()) mode += GoMode.device;
  else if (st.isCharacterDevice()) mode += GoMode.device + GoMode.charDevice;
  else if (st.isFIFO()) mode += GoMode.namedPipe;
  else if (st.isSocket()) mode += GoMode.socket;
  if (m & 0o4000) mode += GoMode.setuid;
  if (m & 0o2000) mode += GoMode.setgid;
  if (m & 0o1000) mode += GoMode.sticky;
  return mode;
}

/** Byte-order comparison of names, as Go's sort.Strings does (not locale order, not UTF-16 order). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Filters {
  include: CompiledPattern[];
  exclude: CompiledPattern[];
  negations: CompiledPattern[];
}

/** Every entry below `root` that passes the filters, in wire order. The root itself is not an entry. */
export async function* walkContext(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const include = [...(opts.include ?? [])];
  if (opts.followPaths?.length) include.push(...(await resolveFollowPaths(root, opts.followPaths)));
  const exclude = compilePatterns(opts.exclude ?? []);
  const filters: Filters = { include: compilePatterns(include), exclude, negations: exclude.filter((p) => p.negated) };
  const hardlinks = new Map<string, string>();
  yield* walkDir(root, '', [], filters, hardlinks);
}

async function* walkDir(
  root: string,
  relDir: string,
  pending: WalkEntry[],
  f: Filters,
  hardlinks: Map<string, string>,
): AsyncGenerator<WalkEntry> {
  const names = (await fs.promises.readdir(path.join(root, relDir))).sort(compareBytes);
  for (const name of names) {
    const rel = relDir ? `${relDir}/${name}` : name;
    const abs = path.join(root, rel);
    const st = await fs.promises.lstat(abs, { bigint: true });
    if (st.isSocket()) continue; // a live socket cannot be copied into a build (e.g. a dev server's)
    const included = f.include.length === 0 || isMatched(f.include, rel);
    const excluded = f.exclude.length > 0 && isMatched(f.exclude, rel);
    if (st.isDirectory()) {
      if (excluded && !f.negations.some((p) => mayMatchBelow(p, rel))) continue;
      if (!included && !f.include.some((p) => mayMatchBelow(p, rel))) continue;
      const entry = await toEntry(abs, rel, st, hardlinks);
      if (included && !excluded) {
        yield* pending.splice(0);
        yield entry;
        yield* walkDir(root, rel, [], f, hardlinks);
      } else {
        // Emitted lazily: only if something below it is (fsutil's "lazy parents").
        const below = [...pending, entry];
        yield* walkDir(root, rel, below, f, hardlinks);
        if (below.length === 0) pending.splice(0);
      }
    } else if (included && !excluded) {
      yield* pending.splice(0);
      yield await toEntry(abs, rel, st, hardlinks);
    }
  }
}

async function toEntry(abs: string, rel: string, st: fs.BigIntStats, hardlinks: Map<string, string>): Promise<WalkEntry> {
  const stat: Stat = { path: rel, mode: goFileMode(st), modTime: st.mtimeNs.toString() };
  if (st.uid !== 0n) stat.uid = Number(st.uid);
  if (st.gid !== 0n) stat.gid = Number(st.gid);
  if (st.isSymbolicLink()) stat.linkname = await fs.promises.readlink(abs);
  else if (st.isFile()) {
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1n ? hardlinks.get(key) : undefined;
    if (first !== undefined) stat.linkname = first; // a hardlink: size 0, the receiver links it
    else {
      if (st.nlink > 1n) hardlinks.set(key, rel);
      if (st.size !== 0n) stat.size = st.size.toString();
    }
  } else if (st.isBlockDevice() || st.isCharacterDevice()) {
    const rdev = st.rdev;
    stat.devmajor = (((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)).toString();
    stat.devminor = ((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)).toString();
  }
  return { rel, abs, stat };
}

/** fsutil FollowPaths: each path and, when it is a symlink inside root, the paths it resolves to. */
async function resolveFollowPaths(root: string, followPaths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of followPaths) {
    let rel = path.posix.normalize(p).replace(/^\/+/, '');
    for (let hops = 0; hops < 40; hops++) {
      out.push(rel);
      const abs = path.join(root, rel);
      const st = await fs.promises.lstat(abs).catch(() => undefined);
      if (!st?.isSymbolicLink()) break;
      const target = await fs.promises.readlink(abs);
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target)).replace(/^\/+/, '');
      if (next.startsWith('..')) break;
      rel = next;
    }
  }
  return out;
}
