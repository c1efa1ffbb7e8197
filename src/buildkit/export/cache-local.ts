/**
 * `--cache-to type=local,dest=DIR` and `--cache-from type=local,src=DIR`, as buildx does them: the directory is
 * an OCI layout the daemon writes and reads through the session's Content service (store `local:<dir>`), and
 * the client keeps its index.json: the import names the manifest digest under a tag, the export adds it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../errors';
import type { CacheSpec } from './output-spec';
import type { ContentStores } from '../session/content-store';
import { readFlagFile } from '../../regular-file';

const REF_NAME = 'org.opencontainers.image.ref.name';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface LocalCaches {
  imports: CacheSpec[];
  exports: CacheSpec[];
  stores: ContentStores;
  /** export directories whose index.json gets the exported cache manifest, with its tag */
  indexUpdates: { dir: string; tag: string }[];
  warnings: string[];
}

function readIndex(dir: string): OciIndex | null {
  const file = path.join(dir, 'index.json');
  if (!fs.existsSync(file)) return null;
  return JSON.parse(readFlagFile(file, 'json', 'local cache index').toString('utf8')) as OciIndex;
}

function localImport(spec: CacheSpec, out: LocalCaches): void {
  const src = spec.attrs.src;
  if (!src) throw new UsageError('E_CACHE_SPEC', '--cache-from type=local needs src=DIR', { hint: '--cache-from type=local,src=.cache/cogpack' });
  const dir = path.resolve(src);
  const tag = spec.attrs.tag ?? 'latest';
  const digest = spec.attrs.digest ?? readIndex(dir)?.manifests.find((m) => m.annotations?.[REF_NAME] === tag)?.digest;
  if (!digest) {
    out.warnings.push(`--cache-from type=local,src=${src}: no cache tagged "${tag}" there yet; building without it`);
    return;
  }
  out.stores[`local:${dir}`] = dir;
  out.imports.push({ type: 'local', attrs: { ...spec.attrs, src: dir, digest } });
}

function localExport(spec: CacheSpec, out: LocalCaches): void {
  const dest = spec.attrs.dest;
  if (!dest) throw new UsageError('E_CACHE_SPEC', '--cache-to type=local needs dest=DIR', { hint: '--cache-to type=local,dest=.cache/cogpack,mode=max' });
  const dir = path.resolve(dest);
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  out.stores[`local:${dir}`] = dir;
  out.exports.push({ type: 'local', attrs: { ...spec.attrs, dest: dir } });
  out.indexUpdates.push({ dir, tag: spec.attrs.tag ?? 'latest' });
}

/** Local cache specs resolved to absolute directories with their stores; other types pass through. */
export function prepareLocalCaches(imports: readonly CacheSpec[], exports: readonly CacheSpec[]): LocalCaches {
  const out: LocalCaches = { imports: [], exports: [], stores: {}, indexUpdates: [], warnings: [] };
  for (const spec of imports)
    if (spec.type === 'local') localImport(spec, out);
    else out.imports.push(spec);
  for (const spec of exports)
    if (spec.type === 'local') localExport(spec, out);
    else out.exports.push(spec);
  return out;
}

/** Records the exported cache manifest (`cache.manifest` of the exporter response) under its tag, as buildx does. */
export function updateCacheIndexes(caches: LocalCaches, exporterResponse: Record<string, string>): void {
  const json = exporterResponse['cache.manifest'];
  if (!json || caches.indexUpdates.length === 0) return;
  const desc = JSON.parse(json) as Descriptor;
  for (const { dir, tag } of caches.indexUpdates) {
    const index: OciIndex = readIndex(dir) ?? { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] };
    index.manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag);
    index.manifests.push({ ...desc, annotations: { ...desc.annotations, [REF_NAME]: tag } });
    fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  }
}
