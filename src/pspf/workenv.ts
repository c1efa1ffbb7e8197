/** The work environment cache as the launcher lays it out: root resolution, listing, removal. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Rust launcher's cache root: FLAVOR_WORKENV's grandparent, else $FLAVOR_CACHE, else $XDG_CACHE_HOME/flavor,
 * else ~/.cache/flavor, else $TMPDIR/flavor. Workenvs live in `<root>/workenv/<key>` (workenv-key.ts).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const get = (k: string): string | undefined => (env[k] ? env[k] : undefined);
  const override = get('FLAVOR_WORKENV');
  if (override) return path.dirname(path.dirname(override));
  if (get('FLAVOR_CACHE')) return get('FLAVOR_CACHE')!;
  if (get('XDG_CACHE_HOME')) return path.join(get('XDG_CACHE_HOME')!, 'flavor');
  if (get('HOME')) return path.join(get('HOME')!, '.cache', 'flavor');
  return path.join(get('TMPDIR') ?? os.tmpdir(), 'flavor');
}

export interface WorkenvEntry {
  name: string; // the key: <package name>-<16 hex digits>
  path: string;
  meta: string; // <root>/workenv/.<key>.pspf
  complete: boolean;
  packageChecksum: string | null;
  bytes: number;
}

function treeBytes(p: string): number {
  let total = 0;
  const stack = [p];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    const st = fs.lstatSync(cur, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) for (const e of fs.readdirSync(cur)) stack.push(path.join(cur, e));
    else total += st.size;
  }
  return total;
}

function readSmall(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Every workenv under the root, sorted by name. */
export function listWorkenvs(env: NodeJS.ProcessEnv = process.env): WorkenvEntry[] {
  const dir = path.join(cacheRoot(env), 'workenv');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const meta = path.join(dir, `.${name}.pspf`);
      return {
        name,
        path: path.join(dir, name),
        meta,
        complete: fs.existsSync(path.join(meta, 'instance', 'extract', 'complete')),
        packageChecksum: readSmall(path.join(meta, 'instance', 'package.checksum')),
        bytes: treeBytes(path.join(dir, name)),
      };
    });
}

/** Removes a workenv and its `.NAME.pspf` bookkeeping directory. */
export function removeWorkenv(e: WorkenvEntry): void {
  fs.rmSync(e.path, { recursive: true, force: true });
  fs.rmSync(e.meta, { recursive: true, force: true });
}
