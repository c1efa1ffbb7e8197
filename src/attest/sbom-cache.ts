/**
 * Remembers an image's packages between builds, so a rebuild whose package layers BuildKit answers from
 * its cache does not read every METADATA again. Keyed by the LLB digests of the states read (installed image,
 * base, each stage layer) and the base's digest: the same LLB answered from BuildKit's cache is the same
 * filesystem. Since a pruned cache reruns the steps (an apt-get may then install other versions), a hit is
 * also checked against the image: dpkg's status size and the list of dist-info/egg-info directories must
 * match what was read. `$COGPACK_CACHE_DIR/sbom` (digest-cache.ts's place); unreadable or unwritable = no cache.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../../planner/inputs/digest-cache';
import type { SbomInventory } from './sbom-spdx';

/** Goes up when what is read or how it is attributed changes (older entries are then never hit). */
const VERSION = 1;

/** What a hit is checked against: cheap to read again. */
export interface Probe {
  status?: string;
  dists: string[];
}

export interface CachedPackages {
  dirs: string[];
  probe: Probe;
  debs: SbomInventory['debs'];
  python: SbomInventory['python'];
  toolkits: SbomInventory['toolkits'];
  distro?: string;
}

export function packagesKey(parts: Record<string, string | undefined>): string {
  const keys = Object.keys(parts).sort();
  return createHash('sha256')
    .update(JSON.stringify([VERSION, keys.map((k) => [k, parts[k] ?? null])]))
    .digest('hex');
}

const fileOf = (env: NodeJS.ProcessEnv, key: string): string | undefined => {
  const dir = cacheDir(env);
  return dir && path.join(dir, 'sbom', `${key}.json`);
};

export function loadPackages(env: NodeJS.ProcessEnv, key: string): CachedPackages | undefined {
  const file = fileOf(env, key);
  try {
    return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as CachedPackages) : undefined;
  } catch {
    return undefined;
  }
}

export function savePackages(env: NodeJS.ProcessEnv, key: string, value: CachedPackages): void {
  const file = fileOf(env, key);
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
  } catch {
    /* a read-only home: read again next time */
  }
}

export const sameProbe = (a: Probe, b: Probe): boolean => a.status === b.status && a.dists.join('\n') === b.dists.join('\n');
