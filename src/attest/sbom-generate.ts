/**
 * `--sbom`: an SPDX 2.3 document of what is in the image, read from the built filesystem inside the build
 * (sbom-read.ts), each package attributed to the base or the stage layer that brought it (sbom-spdx.ts).
 */
import type { LlbResult } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { attribute, listDists, readDebs, readDists, readText, siteDirs, solveFs, viewLayer, type Fs, type SbomBridge } from './sbom-read';
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
  const [installed, base, ...layers] = await Promise.all([
    solveFs(bridge, llb.installed, req.noCache),
    solveFs(bridge, llb.base, req.noCache),
    ...llb.stageLayers.map((id) => solveFs(bridge, llb.layers[id], req.noCache)),
  ]);
  const layerFs = new Map(llb.stageLayers.map((id, i) => [id, layers[i]]));
  const views: { id: string; fs: Fs }[] = [{ id: BASE_LAYER, fs: base }, ...llb.stageLayers.filter((id) => installing.has(id)).map((id) => ({ id, fs: layerFs.get(id)! }))];
  const weights = weightStages(plan).map((id) => ({ id, fs: layerFs.get(id)! })).filter((w) => w.fs);
  // independent reads go out together: the cost is a few round trips, not one per file
  const dirsNow = siteDirs(installed);
  const ownedNow = Promise.all([
    dirsNow.then((dirs) => Promise.all(views.map((v) => viewLayer(v.id, v.fs, dirs)))),
    readDebs(installed),
    dirsNow.then(async (dirs) => readDists(installed, await listDists(installed, dirs))),
  ]).then(([seen, debs, dists]) => attribute(seen, debs ?? [], dists));
  const [owned, osRelease, kits, files] = await Promise.all([
    ownedNow,
    readText(base, '/etc/os-release'),
    toolkits(plan, views, ownedNow.then((o) => o.debs)),
    weightFiles(weights, req.localFile, req.env ?? process.env),
  ]);
  return {
    name: req.name,
    tool: `Tool: cogpack-${req.version}`,
    epoch: req.epoch,
    base: { ref: plan.base_image.runtime, digest: req.baseDigest, distro: /^ID="?([a-z0-9._-]+)"?$/m.exec(osRelease ?? '')?.[1] },
    stages: stages.filter((s) => llb.stageLayers.includes(s.id)).map((s) => ({ id: s.id, name: s.name })),
    ...owned,
    toolkits: kits,
    files,
  };
}

/** The SPDX 2.3 JSON bytes: indented as buildx's local outputs are, one trailing newline. */
export async function sbomFromBridge(bridge: SbomBridge, req: SbomRequest): Promise<Buffer> {
  return Buffer.from(`${JSON.stringify(spdxDocument(await sbomInventory(bridge, req)), null, 2)}\n`);
}
