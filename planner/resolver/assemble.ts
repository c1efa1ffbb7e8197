/**
 * Builds the Resolution from the choices: Plan.dependencies with provenance for every requested name and
 * every derived choice (python, cuda, cudnn), the frameworks' choices and the mapped base image.
 */
import type { Dependency } from '../plan-schema';
import type { FrameworkChoice, Resolution } from './types';
import { cpuBaseImage, gpuBaseImage } from './base-image';
import type { Chosen, Ctx } from './context';
import { provenance, recordSystem, resolvePackage } from './packages';

/** Builds Plan.dependencies: every requested name plus the chosen python/cuda/cudnn, keys sorted. */
function dependencies(ctx: Ctx, chosen: Chosen): Record<string, Dependency> {
  const deps: Record<string, Dependency> = {};
  const { g } = ctx;
  const picked: Record<string, string | undefined> = { python: chosen.python, cuda: chosen.gpu?.minor, cudnn: chosen.gpu?.row.CuDNN };
  for (const f of chosen.frameworks) Object.assign(picked, f.result.resolved);
  for (const [key, reqs] of g.byName) {
    if (reqs[0].kind === 'system') deps[key] = recordSystem(reqs);
    else if (key in picked && picked[key] !== undefined) deps[key] = { name: key, ...provenance(reqs), resolved_version: picked[key] as string };
    else if (reqs[0].kind === 'python-package') deps[key] = resolvePackage(reqs);
  }
  deps.python ??= { name: 'python', provider: 'resolver', requested_version: '', resolved_version: chosen.python, source: 'default' };
  for (const f of chosen.frameworks) {
    for (const name of f.result.always ?? []) deps[name] ??= { name, ...provenance(f.reqs), requested_version: '', resolved_version: picked[name] as string };
  }
  if (chosen.gpu) {
    deps.cuda ??= { name: 'cuda', provider: 'resolver', requested_version: '', resolved_version: chosen.gpu.minor, source: chosen.gpu.cudaBy.source };
    deps.cudnn ??= {
      name: 'cudnn',
      provider: 'resolver',
      requested_version: '',
      resolved_version: chosen.gpu.row.CuDNN,
      source: `nvidia/cuda images for CUDA ${chosen.gpu.minor}`,
    };
  }
  return Object.fromEntries(
    Object.keys(deps)
      .sort()
      .map((k) => [k, deps[k]]),
  );
}

/** Resolution.frameworks in registration order (not resolution order), so installs and pins come out in it. */
function frameworks(ctx: Ctx, chosen: Chosen): Record<string, FrameworkChoice> {
  const out: Record<string, FrameworkChoice> = {};
  for (const fw of ctx.opts.frameworks) {
    const c = chosen.frameworks.find((f) => f.resolver === fw);
    if (c) out[fw.name] = c.result.choice;
  }
  return out;
}

export function assemble(ctx: Ctx, chosen: Chosen): Resolution {
  const { data, opts } = ctx;
  const resolution: Resolution = {
    dependencies: dependencies(ctx, chosen),
    python: chosen.python,
    frameworks: frameworks(ctx, chosen),
    baseImage: chosen.gpu ? gpuBaseImage(data.baseImages, chosen.gpu.row, opts.imageMap) : cpuBaseImage(data.baseImages, chosen.python, opts.imageMap),
    warnings: ctx.warnings,
  };
  if (chosen.gpu) resolution.cuda = { version: chosen.gpu.minor, cudnn: chosen.gpu.row.CuDNN };
  return resolution;
}
