/**
 * The daemon's build cache records (Control.DiskUsage / Control.Prune), and removing exactly the records that
 * descend from one marked record. Tests use it to make the shared daemon forget one project's cache, so a
 * rebuild can only be cached through --cache-from, without pruning anyone else's cache.
 */
import type * as grpc from '@grpc/grpc-js';
import { BuildError } from './errors';

export interface CacheRecord {
  id: string;
  parents: string[];
  description: string;
  inUse: boolean;
}

interface RawRecord { ID?: string; Parents?: string[]; Parent?: string; Description?: string; InUse?: boolean }

// grpc-js clients made from a loaded service definition have their methods on the instance, untyped
type ControlMethods = {
  DiskUsage(req: { filter: string[] }, cb: (e: grpc.ServiceError | null, res: { record?: RawRecord[] }) => void): void;
  Prune(req: { filter: string[] }): grpc.ClientReadableStream<RawRecord>;
};

export function listCacheRecords(control: grpc.Client): Promise<CacheRecord[]> {
  return new Promise((resolve, reject) => {
    (control as unknown as ControlMethods).DiskUsage({ filter: [] }, (err, res) => {
      if (err) return reject(new BuildError('E_CACHE_LIST', `DiskUsage failed: ${err.details || err.message}`, { cause: err }));
      resolve((res.record ?? []).map((r) => ({
        id: r.ID ?? '',
        parents: r.Parents?.length ? r.Parents : r.Parent ? [r.Parent] : [],
        description: r.Description ?? '',
        inUse: Boolean(r.InUse),
      })));
    });
  });
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
export function pruneRecords(control: grpc.Client, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const removed: string[] = [];
    const stream = (control as unknown as ControlMethods).Prune({ filter: ids.map((id) => `id==${id}`) });
    stream.on('data', (r: RawRecord) => removed.push(r.ID ?? ''));
    stream.on('error', (e: grpc.ServiceError) => reject(new BuildError('E_CACHE_PRUNE', `Prune failed: ${e.details || e.message}`, { cause: e })));
    stream.on('end', () => resolve(removed));
  });
}

/**
 * Forgets every cache record built on top of the record whose description holds `marker`; returns how many went.
 * A record is pruned only once no other record names it as a parent, so this repeats until a pass removes
 * nothing. Records an image in Docker's store still uses stay (export to a file, or remove such images first).
 * Copies onto scratch (squash layers) have no parent: they are keyed by content and shared with every
 * project that made the same content, so they stay, and a stage made only of them stays cached.
 */
export async function forgetCacheBelow(control: grpc.Client, marker: string): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = descendantsOf(await listCacheRecords(control), (r) => r.description.includes(marker)).map((r) => r.id);
    const removed = (await pruneRecords(control, ids)).length;
    if (removed === 0) return total;
    total += removed;
  }
}

