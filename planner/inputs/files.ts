/**
 * File digests of a context, as a Merkle tree cut to a budget: every file is hashed (mode + content, or a
 * symlink's target), every directory's digest is that of its entries, and the record keeps the root plus
 * the shallowest entries that fit in MAX_ENTRIES (a 10k-file project stores its top directories, a small
 * one every file). Two records cut differently still compare: a directory's digest can be recomputed from
 * the entries below it (./file-diff.ts).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareBytes, GoMode, walkContext, type WalkEntry } from '../../src/fsutil/walk';
import type { Context } from '../plan-schema';
import { CACHED_FROM_BYTES, openDigestCache, type DigestCache } from './digest-cache';
import { shortHash, type FilesRecord } from './record';

export type { FilesRecord } from './record';

/** Entries a context's record may list (files, and directories as `dir/` with their file count). */
export const MAX_ENTRIES = 100;

/** A directory in the tree: child key (`name` for a file, `name/` for a directory) → digest or subtree. */
export interface DirNode {
  kids: Map<string, DirNode | string>;
}

export const newDir = (): DirNode => ({ kids: new Map() });

/** A directory's value: the digest of its sorted entries, and how many files are below it. */
export function dirValue(node: DirNode): { h: string; n: number } {
  const keys = [...node.kids.keys()].sort(compareBytes);
  let n = 0;
  const lines = keys.map((k) => {
    const kid = node.kids.get(k)!;
    const v = typeof kid === 'string' ? kid : valueString(dirValue(kid));
    n += k.endsWith('/') ? countOf(v) : 1;
    return `${k}\t${v}\n`;
  });
  return { h: shortHash(lines.join('')), n };
}

export const valueString = (v: { h: string; n: number }): string => `${v.h} ${v.n}`;
export const countOf = (dirValue: string): number => Number(dirValue.split(' ')[1] ?? 0);

/** Files above this size are streamed through the hash instead of read whole. */
const READ_WHOLE = 4 * 1024 * 1024;

/** A walked entry's digest: permission bits and content, or a symlink's target; undefined for directories and devices. */
async function fileDigest(e: WalkEntry, cache?: DigestCache): Promise<string | undefined> {
  const mode = e.stat.mode;
  if (mode & GoMode.symlink) return shortHash(`link\0${e.stat.linkname ?? ''}`);
  if (mode & (GoMode.dir | GoMode.device | GoMode.namedPipe | GoMode.socket)) return undefined;
  if (cache && Number(e.stat.size ?? 0) >= CACHED_FROM_BYTES) {
    const st = await fs.promises.lstat(e.abs, { bigint: true });
    // a path that is not UTF-8 is a Buffer; latin1 keeps every byte distinct in the cache key
    const key = typeof e.abs === 'string' ? e.abs : e.abs.toString('latin1');
    const known = cache.get(key, st);
    if (known) return known;
    const digest = await contentDigest(e);
    cache.set(key, st, digest);
    return digest;
  }
  return contentDigest(e);
}

async function contentDigest(e: WalkEntry): Promise<string> {
  const mode = e.stat.mode;
  const h = createHash('sha256').update(`${(mode & 0o777).toString(8)}\0`);
  // a hardlink's second name has no size on the wire (stat.linkname names the first): read it anyway
  // small files synchronously: one call instead of four thread-pool round trips (open, stat, read, close)
  if (Number(e.stat.size ?? 0) < READ_WHOLE) h.update(fs.readFileSync(e.abs));
  else for await (const chunk of fs.createReadStream(e.abs)) h.update(chunk as Buffer);
  return h.digest('hex').slice(0, 12);
}

/** Inserts `rel` (a file) into the tree. */
function insert(root: DirNode, rel: string, digest: string): void {
  const parts = rel.split('/');
  let node = root;
  for (const dir of parts.slice(0, -1)) {
    let next = node.kids.get(`${dir}/`);
    if (!next || typeof next === 'string') node.kids.set(`${dir}/`, (next = newDir()));
    node = next;
  }
  node.kids.set(parts[parts.length - 1], digest);
}

/**
 * The shallowest cut of the tree with at most `max` entries: directories are opened breadth-first, in byte
 * order, while the entries still fit. Deterministic for a given tree.
 */
export function cut(root: DirNode, max: number): Record<string, string> | undefined {
  if (root.kids.size > max) return undefined;
  const entries = new Map<string, DirNode | string>();
  const queue: [string, DirNode][] = [['', root]];
  let count = 0;
  for (let i = 0; i < queue.length; i++) {
    const [prefix, node] = queue[i];
    const kids = [...node.kids.keys()].sort(compareBytes);
    // the root is always opened (checked above); another directory only when its entries fit
    if (prefix !== '' && count - 1 + kids.length > max) continue;
    if (prefix !== '') {
      entries.delete(prefix);
      count -= 1;
    }
    for (const k of kids) {
      const kid = node.kids.get(k)!;
      entries.set(prefix + k, kid);
      count += 1;
      if (typeof kid !== 'string') queue.push([prefix + k, kid]);
    }
  }
  const out: Record<string, string> = {};
  for (const k of [...entries.keys()].sort(compareBytes)) {
    const v = entries.get(k)!;
    out[k] = typeof v === 'string' ? v : valueString(dirValue(v));
  }
  return out;
}

/** Hashes a few files at a time: enough to keep the disk busy, few open descriptors. */
async function hashAll(jobs: (() => Promise<void>)[], workers = 8): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, run));
}

/** The record of one plan context, the files the build session would send for it (same walk, same patterns). */
export async function contextFiles(projectDir: string, ctx: Context, max = MAX_ENTRIES, cache?: DigestCache): Promise<FilesRecord> {
  const dir = path.resolve(projectDir, ctx.path);
  const root = newDir();
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    const found: WalkEntry[] = [];
    for await (const e of walkContext(dir, { include: ctx.include, exclude: ctx.exclude })) found.push(e);
    const digests = new Map<string, string>();
    await hashAll(
      found.map((e) => async () => {
        const d = await fileDigest(e, cache);
        if (d) digests.set(e.rel, d);
      }),
    );
    for (const f of found) if (digests.has(f.rel)) insert(root, f.rel, digests.get(f.rel)!);
  }
  const { h, n } = dirValue(root);
  const m = cut(root, max);
  return { h, n, ...(m ? { m } : {}) };
}

/** The records of every context of a plan, keyed by context name; large files' digests are remembered (./digest-cache.ts). */
export async function planFiles(
  projectDir: string,
  contexts: Record<string, Context>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, FilesRecord>> {
  const names = Object.keys(contexts).sort();
  const cache = openDigestCache(env);
  const records = await Promise.all(names.map((n) => contextFiles(projectDir, contexts[n], MAX_ENTRIES, cache)));
  cache.save();
  return Object.fromEntries(names.map((n, i) => [n, records[i]]));
}
