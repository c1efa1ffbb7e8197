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
 *     older wheel (warning); no wheel of that major is a conflict naming torch and cuda. A user cudnn only
 *     admits wheels whose CUDA has an image with that cuDNN (cog would fail instead). gpu off → +cpu.
 *  5. CUDA with gpu and neither framework: the newest imaged CUDA the user allows (preferring one with the
 *     user's cuDNN), else 11.8 (cog default,
 *     planner/data/base-images.json). With gpu off, cuda/cudnn requests are ignored with a warning.
 *  6. cuDNN: TensorFlow's major if it has an image for the CUDA (else the highest, with a warning); otherwise
 *     the HIGHEST major with an image that the user allows (cog rule).
 *  7. Base image: CPU python:<X.Y>-slim; GPU nvidia/cuda tag with the CUDA minor and cuDNN, newest CUDA patch
 *     (or the user's patch), then newest Ubuntu (cog rule); then the image map.
 *  8. Other python packages are not picked (pip/uv do that): their constraints are recorded, and an exact
 *     pin outside another requester's constraint is a conflict. Names are compared PEP 503-normalised.
 */
import { loadResolverData } from '../data';
import type { DependencyRequest, Resolution, ResolveOptions } from './types';
import { normaliseAll } from './constraints';
import { imagesFor } from './cuda';
import { chooseCudnn, cudaForTensorflow, cudaImage, cudaWithoutFramework, userCudaMinors } from './cuda-choice';
import { assemble } from './assemble';
import { group, TF_NAMES, TORCH_FAMILY, type Ctx, type GpuTarget } from './context';
import { choosePython, pythonCandidates } from './python';
import { chooseTensorflow } from './tensorflow';
import { chooseTorch, type TorchResult } from './torch';
import { validateRequests } from './requests';

export type { DependencyRequest, Resolution, ResolveOptions } from './types';

/** Steps 5–7 for gpu: the CUDA minor (unless a framework fixed it), the cuDNN and the image row. */
function gpuTarget(ctx: Ctx, torch: TorchResult | undefined, fixedCuda: string | undefined): GpuTarget {
  const { data, cudaItems, warnings } = ctx;
  const minor = fixedCuda ?? torch?.hostCuda ?? cudaWithoutFramework(data.cuda, cudaItems, ctx.cudnnItems, data.baseImages.gpu.default_cuda);
  const cudaBy = cudaDecider(ctx, torch, minor);
  const userRanges = cudaItems.map((i) => i.spec);
  const cudaRanges = imagesFor(data.cuda, minor, userRanges).length > 0 ? userRanges : [];
  const tf = ctx.tf?.cudnn ? { major: ctx.tf.cudnn, req: ctx.tfReq as DependencyRequest } : undefined;
  const cudnn = chooseCudnn({ rows: data.cuda, minor, cudaRanges, user: ctx.cudnnItems, tf, cudaBy, warnings });
  return { row: cudaImage(data.cuda, minor, cudnn, cudaRanges), minor, cudaBy };
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
