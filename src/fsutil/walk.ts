/**
 * Walks a context directory in the order fsutil's receiver demands (depth-first, parents first,
 * siblings by byte order) applying include/exclude patterns, and turns each entry into an fsutil Stat.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compilePatterns, isMatched, mayMatchBelow, type CompiledPattern } from './patterns';
import type { Stat } from './stat';

export interface WalkOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Symlinks whose targets are added to the include patterns (fsutil FollowPaths). */
  followPaths?: readonly string[];
}

export interface WalkEntry {
  /** for patterns and messages: bytes that are not UTF-8 show as U+FFFD */
  rel: string;
  /** the path to open: a Buffer when some part of the name is not UTF-8 */
  abs: string | Buffer;
  stat: Stat;
}

/** A relative path as text (for matching) and, once a part of it is not UTF-8, as its exact bytes. */
interface RelPath {
  text: string;
  bytes?: Buffer;
}

function nameOf(raw: Buffer): RelPath {
  const text = raw.toString('utf8');
  return Buffer.from(text).equals(raw) ? { text } : { text, bytes: raw };
}

function childOf(dir: RelPath, name: RelPath): RelPath {
  if (!dir.text) return name;
  const text = `${dir.text}/${name.text}`;
  if (!dir.bytes && !name.bytes) return { text };
  return { text, bytes: Buffer.concat([dir.bytes ?? Buffer.from(dir.text), Buffer.from('/'), name.bytes ?? Buffer.from(name.text)]) };
}

function absOf(root: string, rel: RelPath): string | Buffer {
  return rel.bytes ? Buffer.concat([Buffer.from(root), Buffer.from('/'), rel.bytes]) : path.join(root, rel.text);
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
  yield* walkDir(root, { text: '' }, [], filters, hardlinks);
}

async function* walkDir(root: string, relDir: RelPath, pending: WalkEntry[], f: Filters, hardlinks: Map<string, string>): AsyncGenerator<WalkEntry> {
  // names as bytes, sorted as bytes (Go's order): a name that is not UTF-8 is sent as it is
  const names = (await fs.promises.readdir(relDir.text ? absOf(root, relDir) : root, { encoding: 'buffer' })).sort(Buffer.compare);
  for (const raw of names) {
    const relPath = childOf(relDir, nameOf(raw));
    const rel = relPath.text;
    const abs = absOf(root, relPath);
    const st = await fs.promises.lstat(abs, { bigint: true });
    if (st.isSocket()) continue; // a live socket cannot be copied into a build (e.g. a dev server's)
    const included = f.include.length === 0 || isMatched(f.include, rel);
    const excluded = f.exclude.length > 0 && isMatched(f.exclude, rel);
    if (st.isDirectory()) {
      if (excluded && !f.negations.some((p) => mayMatchBelow(p, rel))) continue;
      if (!included && !f.include.some((p) => mayMatchBelow(p, rel))) continue;
      const entry = await toEntry(abs, relPath, st, hardlinks);
      if (included && !excluded) {
        yield* pending.splice(0);
        yield entry;
        yield* walkDir(root, relPath, [], f, hardlinks);
      } else {
        // Emitted lazily: only if something below it is (fsutil's "lazy parents").
        const below = [...pending, entry];
        yield* walkDir(root, relPath, below, f, hardlinks);
        if (below.length === 0) pending.splice(0);
      }
    } else if (included && !excluded) {
      yield* pending.splice(0);
      yield await toEntry(abs, relPath, st, hardlinks);
    }
  }
}

async function toEntry(abs: string | Buffer, relPath: RelPath, st: fs.BigIntStats, hardlinks: Map<string, Buffer | string>): Promise<WalkEntry> {
  const rel = relPath.text;
  const stat: Stat = { path: rel, mode: goFileMode(st), modTime: st.mtimeNs.toString() };
  if (relPath.bytes) stat.pathBytes = relPath.bytes;
  if (st.uid !== 0n) stat.uid = Number(st.uid);
  if (st.gid !== 0n) stat.gid = Number(st.gid);
  if (st.isSymbolicLink()) {
    const target = nameOf(await fs.promises.readlink(abs, { encoding: 'buffer' }));
    stat.linkname = target.text;
    if (target.bytes) stat.linknameBytes = target.bytes;
  } else if (st.isFile()) {
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1n ? hardlinks.get(key) : undefined;
    if (first !== undefined) {
      // a hardlink: size 0, the receiver links it
      if (typeof first === 'string') stat.linkname = first;
      else [stat.linkname, stat.linknameBytes] = [first.toString('utf8'), first];
    } else {
      if (st.nlink > 1n) hardlinks.set(key, relPath.bytes ?? rel);
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
