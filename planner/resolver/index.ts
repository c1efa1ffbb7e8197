/**
 * The one resolver: turns every block's DependencyRequests into a Resolution (python, the registered
 * frameworks' choices, CUDA/cuDNN, base image), keeping provenance and naming both requesters when two
 * cannot agree. Frameworks are plugins (FrameworkResolver in types.ts): the caller registers them, and
 * each owns its distributions' requests; torch's and TensorFlow's resolvers live in torch.ts/tensorflow.ts.
 *
 * PRECEDENCE RULES (the only place they are written):
 *  1. Requests whose source is `default` are preferences: user-written requests (cog.yaml, pyproject,
 *     requirements, uv.lock) always win over them, and a conflict among defaults alone is cogpack's bug.
 *  2. Python: the supported minors (3.10–3.13) every user python request allows; then each framework's
 *     choice narrows them; the NEWEST remaining minor wins (a default is honoured when it fits).
 *  3. Frameworks (each one any of whose distributions is requested): those whose tested build fixes CUDA
 *     (`fixesCuda`: TensorFlow) first, then the others in registration order; each sees the pythons left
 *     and the CUDA fixed so far (the first framework to name a host CUDA fixes it for those after it).
 *     TensorFlow: the newest release all tensorflow requests allow that supports an allowed python. With
 *     gpu, its row fixes CUDA and cuDNN (cog rule); a user cuda of the same major is kept with a warning
 *     (cog rule), a different major is a conflict.
 *  4. torch (torch, torchvision or torchaudio): the newest release every torch, torchvision and torchaudio
 *     request allows (`==` pins and ranges alike; a bare `torch` resolves to the newest that fits and is
 *     recorded with a warning), that supports an allowed python and, with gpu, has a wheel for a CUDA with an image. Among its wheels: the `+cuXYZ`/`+cpu` suffix if given;
 *     else one whose CUDA the user (or TensorFlow) asked for exactly; else the HIGHEST CUDA (cog rule);
 *     a user/TF CUDA newer than every wheel of the same major keeps the user's CUDA base and the highest
 *     older wheel (warning); no wheel of that major is a conflict naming torch and cuda. A user cudnn only
 *     admits wheels whose CUDA has an image with that cuDNN (cog would fail instead). gpu off → +cpu.
 *  5. CUDA with gpu and no framework naming one: the newest imaged CUDA the user allows (preferring one
 *     with the user's cuDNN), else 11.8 (cog default, planner/data/base-images.json). With gpu off, cuda/cudnn
 *     requests are ignored with a warning.
 *  6. cuDNN: the major a framework needs (TensorFlow's) if it has an image for the CUDA (else the highest,
 *     with a warning); otherwise the HIGHEST major with an image that the user allows (cog rule).
 *  7. Base image: CPU python:<X.Y>-slim; GPU nvidia/cuda tag with the CUDA minor and cuDNN, newest CUDA patch
 *     (or the user's patch), then newest Ubuntu (cog rule); then the image map.
 *  8. Other python packages are not picked (pip/uv do that): their constraints are recorded, and an exact
 *     pin outside another requester's constraint is a conflict. Names are compared PEP 503-normalised.
 */
import { loadResolverData } from '../data';
import type { DependencyRequest, FrameworkResolver, Resolution, ResolveOptions } from './types';
import { normaliseAll } from './constraints';
import { imagesFor } from './cuda';
import { chooseCudnn, cudaImage, cudaWithoutFramework, userCudaMinors } from './cuda-choice';
import { assemble } from './assemble';
import { group, type ChosenFramework, type Ctx, type GpuTarget } from './context';
import { choosePython, pythonCandidates } from './python';
import { validateRequests } from './requests';

export type { DependencyRequest, FrameworkChoice, FrameworkResolver, Resolution, ResolveOptions } from './types';

interface FrameworksResult {
  chosen: ChosenFramework[];
  pythons: string[];
  /** the CUDA minor the first framework to name one fixed, and that framework */
  fixed?: { minor: string; by: ChosenFramework };
}

/** Rule 3: fixers first, then registration order. */
function resolutionOrder(frameworks: readonly FrameworkResolver[]): FrameworkResolver[] {
  return [...frameworks.filter((f) => f.fixesCuda), ...frameworks.filter((f) => !f.fixesCuda)];
}

function resolveFrameworks(ctx: Ctx, pythons: string[]): FrameworksResult {
  const out: FrameworksResult = { chosen: [], pythons };
  for (const resolver of resolutionOrder(ctx.opts.frameworks)) {
    const reqs = resolver.packages.flatMap((n) => ctx.g.get(n));
    if (reqs.length === 0) continue;
    const requests = Object.fromEntries(resolver.packages.map((n) => [n, normaliseAll(ctx.g.get(n), 'pep440')]));
    const cuda = { fixed: out.fixed?.minor, fixedBy: out.fixed?.by.reqs[0], user: ctx.cudaItems, cudnn: ctx.cudnnItems };
    const result = resolver.choose({ requests, python: ctx.python, pythons: out.pythons, gpu: ctx.opts.gpu, cuda, data: ctx.data, warnings: ctx.warnings });
    const chosen = { resolver, result, reqs };
    out.chosen.push(chosen);
    out.pythons = result.pythons;
    if (ctx.opts.gpu && !out.fixed && result.hostCuda) out.fixed = { minor: result.hostCuda, by: chosen };
  }
  return out;
}

/** Steps 5–7 for gpu: the CUDA minor (unless a framework fixed it), the cuDNN and the image row. */
function gpuTarget(ctx: Ctx, fw: FrameworksResult): GpuTarget {
  const { data, cudaItems, warnings } = ctx;
  const minor = fw.fixed?.minor ?? cudaWithoutFramework(data.cuda, cudaItems, ctx.cudnnItems, data.baseImages.gpu.default_cuda);
  const cudaBy = cudaDecider(ctx, fw, minor);
  const userRanges = cudaItems.map((i) => i.spec);
  const cudaRanges = imagesFor(data.cuda, minor, userRanges).length > 0 ? userRanges : [];
  const needs = fw.chosen.find((f) => f.result.choice.cudnn);
  const framework = needs && { name: needs.resolver.name, major: needs.result.choice.cudnn as string, req: needs.reqs[0] };
  const cudnn = chooseCudnn({ rows: data.cuda, minor, cudaRanges, user: ctx.cudnnItems, framework, cudaBy, warnings });
  return { row: cudaImage(data.cuda, minor, cudnn, cudaRanges), minor, cudaBy };
}

/** The user's cuda request, or a synthetic one naming what decided CUDA when the user did not. */
function cudaDecider(ctx: Ctx, fw: FrameworksResult, minor: string): DependencyRequest {
  if (ctx.cudaItems[0]) return ctx.cudaItems[0].req;
  let why = "default (cog's CUDA when neither torch nor tensorflow decides)";
  if (fw.fixed) {
    const { resolver, result, reqs } = fw.fixed.by;
    const c = result.choice;
    why = `chosen for ${resolver.name} ${c.variant ? `${c.version}+${c.variant}` : c.version} from ${reqs[0].source}`;
  }
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

  const fw = resolveFrameworks(ctx, pythonCandidates(ctx.python, data.python));
  const python = choosePython(fw.pythons, ctx.python, warnings);
  const gpu = opts.gpu ? gpuTarget(ctx, fw) : undefined;
  return assemble(ctx, { python, frameworks: fw.chosen, gpu });
}
