/**
 * The one resolver: turns every block's DependencyRequests into a Resolution (python, torch, TensorFlow,
 * CUDA/cuDNN, base image), keeping provenance and naming both requesters when two cannot agree.
 *
 * PRECEDENCE RULES (the only place they are written):
 *  1. Requests whose source is `default` are preferences: user-written requests (cog.yaml, pyproject,
 *     requirements, uv.lock) always win over them, and a conflict among defaults alone is cogpack's bug.
 *  2. Python: the supported minors (3.10–3.13) every user python request allows; then TensorFlow's row and
 *     torch's row narrow them; the NEWEST remaining minor wins (a default is honoured when it fits).
 *  3. TensorFlow (when requested) is chosen before torch: the newest release all tensorflow requests allow
 *     that supports an allowed python. With gpu, its row fixes CUDA and cuDNN (cog rule); a user cuda of
 *     the same major is kept with a warning (cog rule), a different major is a conflict.
 *  4. torch (when torch, torchvision or torchaudio is requested): the newest release every torch,
 *     torchvision and torchaudio request allows (`==` pins and ranges alike; a bare `torch` resolves to
 *     the newest that fits and is recorded with a warning), that supports an allowed python and, with
 *     gpu, has a wheel for a CUDA with an image. Among its wheels: the `+cuXYZ`/`+cpu` suffix if given;
 *     else one whose CUDA the user (or TensorFlow) asked for exactly; else the HIGHEST CUDA (cog rule);
 *     a user/TF CUDA newer than every wheel of the same major keeps the user's CUDA base and the highest
 *     older wheel (warning); no wheel of that major is a conflict naming torch and cuda. gpu off → +cpu.
 *  5. CUDA with gpu and neither framework: the newest imaged CUDA the user allows, else 11.8 (cog default,
 *     planner/data/base-images.json). With gpu off, cuda/cudnn requests are ignored with a warning.
 *  6. cuDNN: TensorFlow's major if it has an image for the CUDA (else the highest, with a warning); otherwise
 *     the HIGHEST major with an image that the user allows (cog rule).
 *  7. Base image: CPU python:<X.Y>-slim; GPU nvidia/cuda tag with the CUDA minor and cuDNN, newest CUDA patch
 *     (or the user's patch), then newest Ubuntu (cog rule); then the image map.
 *  8. Other python packages are not picked (pip/uv do that): their constraints are recorded, and an exact
 *     pin outside another requester's constraint is a conflict.
 */
import type { Dependency } from '../plan-schema';
import { loadResolverData, type CudaRow, type ResolverData } from '../data';
import type { DependencyRequest, Resolution, ResolveOptions, TensorflowChoice, TorchChoice } from './types';
import { normaliseAll, type Constrained } from './constraints';
import { imagesFor } from './cuda';
import { chooseCudnn, cudaForTensorflow, cudaImage, cudaWithoutFramework, userCudaMinors } from './cuda-choice';
import { cpuBaseImage, gpuBaseImage } from './base-image';
import { provenance, recordSystem, resolvePackage } from './packages';
import { choosePython, pythonCandidates } from './python';
import { chooseTensorflow } from './tensorflow';
import { chooseTorch, type TorchResult } from './torch';
import { validateRequests } from './requests';

export type { DependencyRequest, Resolution, ResolveOptions } from './types';

const TORCH_FAMILY = ['torch', 'torchvision', 'torchaudio'];
const TF_NAMES = ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu'];

interface Grouped {
  byName: Map<string, DependencyRequest[]>;
  get(name: string): DependencyRequest[];
}

function group(requests: DependencyRequest[]): Grouped {
  const byName = new Map<string, DependencyRequest[]>();
  for (const r of requests) {
    const key = r.kind === 'system' ? `system:${r.name}` : r.name;
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  return { byName, get: (name) => byName.get(name) ?? [] };
}

interface GpuTarget {
  row: CudaRow;
  minor: string;
  cudaBy: DependencyRequest;
}

/** Steps 5–7 for gpu: the CUDA minor (unless a framework fixed it), the cuDNN and the image row. */
function gpuTarget(ctx: Ctx, torch: TorchResult | undefined, fixedCuda: string | undefined): GpuTarget {
  const { data, cudaItems, g, warnings } = ctx;
  const minor = fixedCuda ?? torch?.hostCuda ?? cudaWithoutFramework(data.cuda, cudaItems, ctx.cudnnItems, data.baseImages.gpu.default_cuda);
  const cudaBy = cudaDecider(ctx, torch, minor);
  const userRanges = cudaItems.map((i) => i.spec);
  const cudaRanges = imagesFor(data.cuda, minor, userRanges).length > 0 ? userRanges : [];
  const tf = ctx.tf?.cudnn ? { major: ctx.tf.cudnn, req: ctx.tfReq as DependencyRequest } : undefined;
  const cudnn = chooseCudnn({ rows: data.cuda, minor, cudaRanges, user: ctx.cudnnItems, tf, cudaBy, warnings });
  return { row: cudaImage(data.cuda, minor, cudnn, cudaRanges), minor, cudaBy };
}

interface Ctx {
  data: ResolverData;
  g: Grouped;
  opts: ResolveOptions;
  warnings: string[];
  python: Constrained[];
  cudaItems: Constrained[];
  cudnnItems: Constrained[];
  tf?: TensorflowChoice;
  tfReq?: DependencyRequest;
}

function resolveTorch(ctx: Ctx, pythons: string[], fixedCuda: string | undefined): TorchResult {
  const [torch, vision, audio] = TORCH_FAMILY.map((n) => normaliseAll(ctx.g.get(n), 'pep440'));
  return chooseTorch({
    torch, vision, audio, python: ctx.python, pythons, gpu: ctx.opts.gpu,
    cuda: { fixed: fixedCuda, ranges: ctx.cudaItems.map((i) => i.spec), cudnnRanges: ctx.cudnnItems.map((i) => i.spec) },
    cudaDeciders: ctx.tfReq && fixedCuda ? [ctx.tfReq] : ctx.cudaItems.map((i) => i.req),
    cudnnReqs: ctx.cudnnItems.map((i) => i.req),
    data: ctx.data, warnings: ctx.warnings,
  });
}

/** The user's cuda request, or a synthetic one naming what decided CUDA when the user did not. */
function cudaDecider(ctx: Ctx, torch: TorchResult | undefined, minor: string): DependencyRequest {
  if (ctx.cudaItems[0]) return ctx.cudaItems[0].req;
  let why = 'default (cog\'s CUDA when neither torch nor tensorflow decides)';
  if (ctx.tf && ctx.tfReq) why = `chosen for tensorflow ${ctx.tf.version} from ${ctx.tfReq.source}`;
  else if (torch) why = `chosen for torch ${torch.chosen.version}+${torch.chosen.variant} from ${TORCH_FAMILY.flatMap((n) => ctx.g.get(n))[0].source}`;
  return { kind: 'cuda', name: 'cuda', constraint: minor, source: why, requester: 'resolver' };
}

export function resolve(requests: DependencyRequest[], opts: ResolveOptions): Resolution {
  validateRequests(requests);
  const data = loadResolverData();
  const g = group(requests);
  const warnings: string[] = [];
  const gpuOnly = [...g.get('cuda'), ...g.get('cudnn')];
  if (!opts.gpu && gpuOnly.length > 0) warnings.push(`cuda/cudnn: ignored because gpu is off (${gpuOnly.map((r) => r.source).join(', ')})`);
  const cudaItems = opts.gpu ? normaliseAll(g.get('cuda'), 'semver') : [];
  if (cudaItems.length > 0) userCudaMinors(data.cuda, cudaItems);
  const cudnnItems = opts.gpu ? normaliseAll(g.get('cudnn'), 'semver') : [];
  const ctx: Ctx = { data, g, opts, warnings, python: normaliseAll(g.get('python'), 'pep440'), cudaItems, cudnnItems };
  let pythons = pythonCandidates(ctx.python, data.python);

  const tfReqs = TF_NAMES.flatMap((n) => g.get(n));
  let fixedCuda: string | undefined;
  if (tfReqs.length > 0) {
    const tf = chooseTensorflow({ rows: data.tf, items: normaliseAll(tfReqs, 'pep440'), python: ctx.python, pythons, supported: data.python.supported, gpu: opts.gpu, warnings });
    [ctx.tf, ctx.tfReq, pythons] = [tf.choice, tfReqs[0], tf.pythons];
    if (opts.gpu) fixedCuda = cudaForTensorflow(data.cuda, tf.choice, tfReqs[0], cudaItems, warnings);
  }
  const torch = TORCH_FAMILY.some((n) => g.get(n).length > 0) ? resolveTorch(ctx, pythons, fixedCuda) : undefined;
  if (torch) pythons = torch.pythons;
  const python = choosePython(pythons, ctx.python, warnings);

  const gpu = opts.gpu ? gpuTarget(ctx, torch, fixedCuda) : undefined;
  return assemble(ctx, { python, torch, gpu });
}

interface Chosen {
  python: string;
  torch?: TorchResult;
  gpu?: GpuTarget;
}

function torchChoice(t: TorchResult): TorchChoice {
  const c = t.chosen;
  return { version: c.version, variant: c.variant, index_url: c.indexUrl, torchvision: c.torchvision, torchaudio: c.torchaudio, cuda: c.cuda };
}

/** Builds Plan.dependencies: every requested name plus the chosen python/cuda/cudnn, keys sorted. */
function dependencies(ctx: Ctx, chosen: Chosen): Record<string, Dependency> {
  const deps: Record<string, Dependency> = {};
  const { g } = ctx;
  const picked: Record<string, string | undefined> = {
    python: chosen.python,
    torch: chosen.torch && (chosen.torch.chosen.indexUrl ? `${chosen.torch.chosen.version}+${chosen.torch.chosen.variant}` : chosen.torch.chosen.version),
    torchvision: chosen.torch?.chosen.torchvision,
    torchaudio: chosen.torch?.chosen.torchaudio,
    cuda: chosen.gpu?.minor,
    cudnn: chosen.gpu?.row.CuDNN,
  };
  for (const name of TF_NAMES) picked[name] = ctx.tf?.version;
  for (const [key, reqs] of g.byName) {
    if (reqs[0].kind === 'system') deps[key] = recordSystem(reqs);
    else if (key in picked && picked[key] !== undefined) deps[key] = { name: key, ...provenance(reqs), resolved_version: picked[key] as string };
    else if (reqs[0].kind === 'python-package') deps[key] = resolvePackage(reqs);
  }
  deps.python ??= { name: 'python', provider: 'resolver', requested_version: '', resolved_version: chosen.python, source: 'default' };
  if (chosen.torch) deps.torch ??= { name: 'torch', ...provenance(TORCH_FAMILY.flatMap((n) => g.get(n))), requested_version: '', resolved_version: picked.torch as string };
  if (chosen.gpu) {
    deps.cuda ??= { name: 'cuda', provider: 'resolver', requested_version: '', resolved_version: chosen.gpu.minor, source: chosen.gpu.cudaBy.source };
    deps.cudnn ??= { name: 'cudnn', provider: 'resolver', requested_version: '', resolved_version: chosen.gpu.row.CuDNN, source: `nvidia/cuda images for CUDA ${chosen.gpu.minor}` };
  }
  return Object.fromEntries(Object.keys(deps).sort().map((k) => [k, deps[k]]));
}

function assemble(ctx: Ctx, chosen: Chosen): Resolution {
  const { data, opts } = ctx;
  const resolution: Resolution = {
    dependencies: dependencies(ctx, chosen),
    python: chosen.python,
    baseImage: chosen.gpu ? gpuBaseImage(data.baseImages, chosen.gpu.row, opts.imageMap) : cpuBaseImage(data.baseImages, chosen.python, opts.imageMap),
    warnings: ctx.warnings,
  };
  if (chosen.torch) resolution.torch = torchChoice(chosen.torch);
  if (ctx.tf) resolution.tensorflow = ctx.tf;
  if (chosen.gpu) resolution.cuda = { version: chosen.gpu.minor, cudnn: chosen.gpu.row.CuDNN };
  return resolution;
}
