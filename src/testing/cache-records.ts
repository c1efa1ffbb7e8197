/**
 * The daemon's build cache records (Control.DiskUsage / Control.Prune), and removing exactly the records that
 * descend from one marked record. Tests use it to make the shared daemon forget one project's cache, so a
 * rebuild can only be cached through --cache-from, without pruning anyone else's cache.
 */
import type { GrpcCallError } from '../buildkit/connection/h2-grpc';
import type { ControlClient } from '../buildkit/connection/control-client';
import { BuildError } from '../buildkit/errors';

export interface CacheRecord {
  id: string;
  parents: string[];
  description: string;
  inUse: boolean;
}

interface RawRecord {
  ID?: string;
  Parents?: string[];
  Parent?: string;
  Description?: string;
  InUse?: boolean;
}

export async function listCacheRecords(control: ControlClient): Promise<CacheRecord[]> {
  let res: { record?: RawRecord[] };
  try {
    res = await control.call<{ record?: RawRecord[] }>('DiskUsage', { filter: [] });
  } catch (e) {
    const err = e as GrpcCallError;
    throw new BuildError('E_CACHE_LIST', `DiskUsage failed: ${err.details || err.message}`, { cause: err });
  }
  return (res.record ?? []).map((r) => ({
    id: r.ID ?? '',
    parents: r.Parents?.length ? r.Parents : r.Parent ? [r.Parent] : [],
    description: r.Description ?? '',
    inUse: Boolean(r.InUse),
  }));
}

/** Every record whose parent chain reaches a record matching `isRoot` (the roots themselves excluded). */
export function descendantsOf(records: readonly CacheRecord[], isRoot: (r: CacheRecord) => boolean): CacheRecord[] {
  const inside = new Set(records.filter(isRoot).map((r) => r.id));
  const roots = new Set(inside);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of records) {
      if (!inside.has(r.id) && r.parents.some((p) => inside.has(p))) {
        inside.add(r.id);
        grew = true;
      }
    }
  }
  return records.filter((r) => inside.has(r.id) && !roots.has(r.id));
}

/** Prunes the given record ids only (the filters are OR'ed; `id==` is an exact match); resolves to the ids removed. */
export async function pruneRecords(control: ControlClient, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const removed: string[] = [];
  const call = control.stream<RawRecord>('Prune', { filter: ids.map((id) => `id==${id}`) }, (r) => removed.push(r.ID ?? ''));
  try {
    await call.done;
  } catch (e) {
    const err = e as GrpcCallError;
    throw new BuildError('E_CACHE_PRUNE', `Prune failed: ${err.details || err.message}`, { cause: err });
  }
  return removed;
}

/**
 * Forgets every cache record built on top of the record whose description holds `marker`; returns how many went.
 * A record is pruned only once no other record names it as a parent, so this repeats until a pass removes
 * nothing. Records an image in Docker's store still uses stay (export to a file, or remove such images first).
 * Copies onto scratch (squash layers) have no parent: they are keyed by content and shared with every
 * project that made the same content, so they stay, and a stage made only of them stays cached.
 */
export async function forgetCacheBelow(control: ControlClient, marker: string): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = descendantsOf(await listCacheRecords(control), (r) => r.description.includes(marker)).map((r) => r.id);
    const removed = (await pruneRecords(control, ids)).length;
    if (removed === 0) return total;
    total += removed;
  }
}
