/**
 * Builds the Resolution from the choices: Plan.dependencies with provenance for every requested name and
 * every derived choice (python, cuda, cudnn), the torch/TF choices and the mapped base image.
 */
import type { Dependency } from '../plan-schema';
import type { Resolution, TorchChoice } from './types';
import { cpuBaseImage, gpuBaseImage } from './base-image';
import { TF_NAMES, TORCH_FAMILY, type Chosen, type Ctx } from './context';
import { provenance, recordSystem, resolvePackage } from './packages';
import type { TorchResult } from './torch';
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

export function assemble(ctx: Ctx, chosen: Chosen): Resolution {
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
