/**
 * Reads an image's packages from the built filesystem inside the build, through the LLBBridge's ReadDir,
 * ReadFile and StatFile on solved refs (no container, no network): dpkg's status and every Python dist's
 * metadata from the installed image, then the base and each stage's layer to say which one brought each.
 */
import { marshal, type State } from '../../llb';
import type { FsStat, LlbBridge } from '../buildkit/gateway/bridge';
import { debKey, DPKG_STATUS, parseDpkgStatus, type DebPackage } from './sbom-dpkg';
import { parseDirectUrl, parseMetadata, type PythonDist } from './sbom-python';
import { BASE_LAYER, type LayerId } from './sbom-spdx';

export type SbomBridge = Pick<LlbBridge, 'solve' | 'readFile' | 'readDir' | 'statFile'>;

/** A solved filesystem to read from. */
export interface Fs {
  bridge: SbomBridge;
  ref: string;
  /** the LLB digest of the solved state */
  digest: string;
}

/** Go os.FileMode's directory bit, as Stat.mode carries it. */
const DIR = 2 ** 31;
/** symlink, device, named pipe, socket, char device: with DIR, every bit that makes an entry not a regular file */
const SPECIAL = (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21);
export const isDir = (s: FsStat): boolean => (s.mode ?? 0) >= DIR;
export const isRegular = (s: FsStat): boolean => (s.mode ?? 0) < DIR && ((s.mode ?? 0) & SPECIAL) === 0;

/** BuildKit answers a missing path with gRPC NOT_FOUND or an fs error naming it; anything else is a real failure. */
function isMissing(e: unknown): boolean {
  const err = e as { code?: number; message?: string };
  return err.code === 5 || /no such file|not found|not a directory/i.test(err.message ?? '');
}

export async function orMissing<T>(p: Promise<T>, missing: T): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (isMissing(e)) return missing;
    throw e;
  }
}

export async function solveFs(bridge: SbomBridge, state: State, noCache?: boolean): Promise<Fs> {
  const m = marshal(state, { ignoreCache: noCache });
  return { bridge, ref: await bridge.solve(m.definition), digest: m.result };
}

export const readDir = (fs: Fs, dir: string): Promise<FsStat[]> => orMissing(fs.bridge.readDir(fs.ref, dir), []);
export const readText = (fs: Fs, file: string): Promise<string | undefined> =>
  orMissing(
    fs.bridge.readFile(fs.ref, file).then((b) => b.toString('utf8')),
    undefined,
  );

/** Runs `jobs` a few at a time: the bridge answers calls concurrently, one connection carries them. */
export async function limited<T>(items: readonly T[], run: (item: T) => Promise<void>, workers = 8): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

/** dpkg's installed packages (none when the image has no dpkg). */
export async function readDebs(fs: Fs): Promise<DebPackage[] | undefined> {
  const text = await readText(fs, DPKG_STATUS);
  return text === undefined ? undefined : parseDpkgStatus(text);
}

/**
 * Where the images cogpack builds may keep Python packages: site-packages/dist-packages of every python3.X
 * under the python base images' /usr/local/lib, Debian's /usr/lib, and the interpreters uv installs under
 * /opt/python. Candidates only: a listing of one that is not there is empty.
 */
export async function siteDirs(fs: Fs): Promise<string[]> {
  const pythons = async (lib: string) => (await readDir(fs, lib)).filter((e) => isDir(e) && /^python3(\.\d+)?$/.test(e.path)).map((e) => `${lib}/${e.path}`);
  const uv = readDir(fs, '/opt/python').then((ds) => Promise.all(ds.filter(isDir).map((d) => pythons(`/opt/python/${d.path}/lib`))));
  const found = [...(await Promise.all([pythons('/usr/local/lib'), pythons('/usr/lib')])).flat(), ...(await uv).flat()];
  return found.flatMap((py) => [`${py}/site-packages`, `${py}/dist-packages`]).sort();
}

const DIST = /\.(dist-info|egg-info)$/;
/** Enough of METADATA for its headers; the description after them can be long and is not needed. */
const HEAD_BYTES = 64 * 1024;

/** The dist-info/egg-info entries of each dir, as paths (a dir that is not there has none). */
export async function listDists(fs: Fs, dirs: readonly string[]): Promise<{ path: string; dir: boolean }[]> {
  const listed = await Promise.all(
    dirs.map(async (dir) => (await readDir(fs, dir)).filter((e) => DIST.test(e.path)).map((e) => ({ path: `${dir}/${e.path}`, dir: isDir(e) }))),
  );
  return listed.flat();
}

/** Every dist listed: name, version, license, installer and archive hash. */
export async function readDists(fs: Fs, entries: readonly { path: string; dir: boolean }[]): Promise<PythonDist[]> {
  const dists: PythonDist[] = [];
  await limited(
    entries,
    async (e) => {
      const dist = await readDist(fs, e.path, e.dir);
      if (dist) dists.push(dist);
    },
    16,
  );
  return dists.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** METADATA (PKG-INFO in an egg-info dir; an egg-info file is the metadata itself), INSTALLER and direct_url.json, read at once. */
async function readDist(fs: Fs, path: string, dir: boolean): Promise<PythonDist | undefined> {
  const metaFile = !dir ? path : path.endsWith('.dist-info') ? `${path}/METADATA` : `${path}/PKG-INFO`;
  const [head, installer, directUrl] = await Promise.all([
    orMissing(fs.bridge.readFile(fs.ref, metaFile, { offset: 0, length: HEAD_BYTES }), undefined),
    dir ? readText(fs, `${path}/INSTALLER`) : undefined,
    dir && path.endsWith('.dist-info') ? readText(fs, `${path}/direct_url.json`) : undefined,
  ]);
  const meta = head && parseMetadata(head.toString('utf8'));
  if (!meta) return undefined;
  const dist: PythonDist = { ...meta, path };
  if (installer?.trim()) dist.installer = installer.trim();
  if (directUrl) Object.assign(dist, parseDirectUrl(directUrl));
  return dist;
}

/** One layer as read for attribution: its dpkg packages (when its status file is in it) and dist dir names. */
export interface LayerView {
  id: LayerId;
  debs?: Set<string>;
  dists: Set<string>;
}

export async function viewLayer(id: LayerId, fs: Fs, dirs: readonly string[]): Promise<LayerView> {
  const [debs, listed] = await Promise.all([readDebs(fs), listDists(fs, dirs)]);
  const dists = new Set(listed.map((e) => e.path));
  return { id, debs: debs && new Set(debs.map((p) => `${debKey(p)}=${p.version}`)), dists };
}

/**
 * The layer that brought each package: the first of [base, stage layers…] holding it as it is in the image
 * (a package a later stage upgraded belongs to that stage). One no layer shows (not expected) goes to the base.
 */
export function attribute(
  views: readonly LayerView[],
  debs: readonly DebPackage[],
  dists: readonly PythonDist[],
): { debs: { pkg: DebPackage; layer: LayerId }[]; python: { dist: PythonDist; layer: LayerId }[] } {
  const first = (has: (v: LayerView) => boolean): LayerId => views.find(has)?.id ?? BASE_LAYER;
  return {
    debs: debs.map((pkg) => ({ pkg, layer: first((v) => v.debs?.has(`${debKey(pkg)}=${pkg.version}`) ?? false) })),
    python: dists.map((dist) => ({ dist, layer: first((v) => v.dists.has(dist.path)) })),
  };
}
