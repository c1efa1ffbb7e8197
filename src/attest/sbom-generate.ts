/**
 * `--sbom`: an SPDX 2.3 document of what is in the image, read from the built filesystem inside the build
 * (sbom-read.ts), each package attributed to the base or the stage layer that brought it (sbom-spdx.ts).
 */
import type { LlbResult } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { attribute, listDists, orMissing, readDebs, readDists, readText, siteDirs, solveFs, viewLayer, type Fs, type SbomBridge } from './sbom-read';
import { loadPackages, packagesKey, sameProbe, savePackages, type CachedPackages, type Probe } from './sbom-cache';
import { DPKG_STATUS } from './sbom-dpkg';
import { toolkits, weightFiles, weightStages, type LocalFile } from './sbom-files';
import { BASE_LAYER, spdxDocument, type SbomInventory } from './sbom-spdx';

export interface SbomRequest {
  plan: PlanData;
  llb: Pick<LlbResult, 'base' | 'layers' | 'installed' | 'stageLayers'>;
  /** the image's first name, else the project's */
  name: string;
  /** SOURCE_DATE_EPOCH of the build: the document's `created` */
  epoch: number;
  /** cogpack's version */
  version: string;
  /** the runtime base's digest, when the caller resolved it */
  baseDigest?: string;
  /**
   * Each stage's inputs digest (`d` of the dev.cogpack.inputs record: its ops, env, dependencies and context
   * files): with baseDigest, the key of the packages an earlier build read (sbom-cache.ts). Unset = no cache.
   */
  stageInputs?: Record<string, string>;
  noCache?: boolean;
  /** the project's copy of a weight file (CLI), hashed here instead of read back through the gateway */
  localFile?: LocalFile;
  env?: NodeJS.ProcessEnv;
}

export async function sbomInventory(bridge: SbomBridge, req: SbomRequest): Promise<SbomInventory> {
  const { plan, llb } = req;
  const stages = plan.export_phases.flatMap((p) => p.stages);
  // stages of file operations only (code, weights, schema) install nothing: their layers are not read for packages
  const installing = new Set(stages.filter((s) => s.operations.some((o) => o.op === 'exec')).map((s) => s.id));
  const weighted = new Set(weightStages(plan));
  const layerStates = llb.stageLayers.filter((id) => installing.has(id)).map((id) => ({ id, state: llb.layers[id] }));
  // the base and package layers are solved only when the packages are read (not on a cache hit)
  const views = () =>
    Promise.all([{ id: BASE_LAYER, state: llb.base }, ...layerStates].map(async (v) => ({ id: v.id, fs: await solveFs(bridge, v.state, req.noCache) })));
  const env = req.env ?? process.env;
  const key =
    req.stageInputs && req.baseDigest && !req.noCache
      ? packagesKey({ base: `${plan.base_image.runtime}@${req.baseDigest}`, ...Object.fromEntries(layerStates.map((v) => [v.id, req.stageInputs?.[v.id]])) })
      : undefined;
  const [packages, files] = await Promise.all([
    solveFs(bridge, llb.installed, req.noCache).then((installed) => cachedPackages(plan, installed, views, key ? env : undefined, key)),
    Promise.all(llb.stageLayers.filter((id) => weighted.has(id)).map(async (id) => ({ id, fs: await solveFs(bridge, llb.layers[id], req.noCache) }))).then(
      (weights) => weightFiles(weights, req.localFile, env),
    ),
  ]);
  return {
    name: req.name,
    tool: `Tool: cogpack-${req.version}`,
    epoch: req.epoch,
    base: { ref: plan.base_image.runtime, digest: req.baseDigest, distro: packages.distro },
    stages: stages.filter((s) => llb.stageLayers.includes(s.id)).map((s) => ({ id: s.id, name: s.name })),
    debs: packages.debs,
    python: packages.python,
    toolkits: packages.toolkits,
    files,
  };
}

/** The SPDX 2.3 JSON bytes: indented as buildx's local outputs are, one trailing newline. */
export async function sbomFromBridge(bridge: SbomBridge, req: SbomRequest): Promise<Buffer> {
  return Buffer.from(`${JSON.stringify(spdxDocument(await sbomInventory(bridge, req)), null, 2)}\n`);
}

/** The packages as an earlier build read them, when the cache has them and the image still shows the same; else read now. */
async function cachedPackages(
  plan: PlanData,
  installed: Fs,
  views: () => Promise<{ id: string; fs: Fs }[]>,
  env: NodeJS.ProcessEnv | undefined,
  key: string | undefined,
): Promise<CachedPackages> {
  const hit = env && key ? loadPackages(env, key) : undefined;
  if (hit && sameProbe(hit.probe, await probe(installed, hit.dirs))) return hit;
  const read = await readPackages(plan, installed, await views());
  if (env && key) savePackages(env, key, read);
  return read;
}

async function probe(installed: Fs, dirs: readonly string[]): Promise<Probe> {
  const [status, dists] = await Promise.all([orMissing(installed.bridge.statFile(installed.ref, DPKG_STATUS), undefined), listDists(installed, dirs)]);
  return { status: status?.size, dists: dists.map((d) => d.path).sort() };
}

/** Every read goes out as soon as what it needs is known: the cost is a few round trips, not one per file. */
async function readPackages(plan: PlanData, installed: Fs, views: { id: string; fs: Fs }[]): Promise<CachedPackages> {
  const base = views[0].fs;
  const dirsNow = siteDirs(installed).then(async (dirs) => ({ dirs, listed: await listDists(installed, dirs) }));
  // only the dirs the image has dists in are looked at in each layer
  const usedNow = dirsNow.then(({ listed }) => [...new Set(listed.map((e) => e.path.replace(/\/[^/]+$/, '')))].sort());
  const ownedNow = Promise.all([
    usedNow.then((dirs) => Promise.all(views.map((v) => viewLayer(v.id, v.fs, dirs)))),
    readDebs(installed),
    dirsNow.then(({ listed }) => readDists(installed, listed)),
  ]).then(([seen, debs, dists]) => attribute(seen, debs ?? [], dists));
  const [owned, osRelease, kits, status, used, listed] = await Promise.all([
    ownedNow,
    readText(base, '/etc/os-release'),
    toolkits(
      plan,
      views,
      ownedNow.then((o) => o.debs),
    ),
    orMissing(installed.bridge.statFile(installed.ref, DPKG_STATUS), undefined),
    usedNow,
    dirsNow.then((d) => d.listed),
  ]);
  const distro = /^ID="?([a-z0-9._-]+)"?$/m.exec(osRelease ?? '')?.[1];
  return { dirs: used, probe: { status: status?.size, dists: listed.map((d) => d.path).sort() }, ...owned, toolkits: kits, ...(distro ? { distro } : {}) };
}
