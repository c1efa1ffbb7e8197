/**
 * Why no torch wheel fits: one explanation per filter of the torch choice, each naming the requests
 * involved (torch and the python/cuda/torchvision/TensorFlow request it clashes with) and a fix.
 */
import type { DependencyRequest } from './types';
import { compareDotted, exactPin, explainShortfall, pep440Satisfies, type Constrained } from './constraints';
import { conflictError, describe, isDefaultSource, resolveError } from './errors';
import { closestVersions, cudaFit, knownVersions, publicVersion, usableVariants, type TorchVariant } from './torch-rows';
import { cudnnMajorsFor } from './cuda';
import type { TorchInput } from './torch';
import { minorSatisfies } from './python';

export type TorchStage = 'version' | 'companions' | 'variant' | 'python' | 'cuda';

type ExplainInput = TorchInput & { local?: string };

/** `3.10–3.12` for a contiguous list of minors, else a comma list. */
export function pythonRange(pythons: string[]): string {
  return pythons.length > 1 ? `${pythons[0]}–${pythons[pythons.length - 1]}` : pythons.join(', ');
}

/** The request that stands for torch in messages (a synthetic one when only torchvision/torchaudio were asked for). */
function torchReq(input: ExplainInput): DependencyRequest {
  const r = input.torch[0]?.req ?? input.vision[0]?.req ?? input.audio[0]?.req;
  return r ?? { kind: 'python-package', name: 'torch', constraint: '', source: 'default', requester: 'resolver' };
}

const uniq = (xs: string[]) => [...new Set(xs)];

function explainVersion(input: ExplainInput): never {
  const known = knownVersions(input.data.torch);
  const why = explainShortfall(known, input.torch, (v, i) => pep440Satisfies(v, i.spec));
  if (why.kind === 'pair') {
    throw conflictError(
      'E_TORCH_CONFLICT',
      why.a.req,
      why.b.req,
      'no torch version satisfies both',
      'make the torch pins agree (requirements, uv.lock, pyproject)',
    );
  }
  const item = why.kind === 'unmatched' ? why.item : why.items[0];
  const pin = exactPin(item.spec);
  const near = pin ? closestVersions(known, pin) : [];
  const message = pin
    ? `torch ${pin} (${item.req.source}) is not a known torch release; closest known: ${near.join(', ')}`
    : `no known torch release matches ${item.req.constraint} (${item.req.source}); known: ${known[known.length - 1]} … ${known[0]}`;
  const hint = pin ? `pin ${near.map((v) => `torch==${v}`).join(' or ')}` : 'widen the range to include a known release';
  throw resolveError('E_TORCH_VERSION', `${message} (compatibility data: cog 6110c912, 2026-08-21)`, [item.req], hint);
}

function explainCompanions(pool: TorchVariant[], input: ExplainInput): never {
  const bad =
    [...input.vision, ...input.audio].find(
      (i) =>
        !pool.some((v) => {
          const companion = i.req.name === 'torchvision' ? v.torchvision : v.torchaudio;
          return pep440Satisfies(publicVersion(companion), i.spec);
        }),
    ) ??
    input.vision[0] ??
    input.audio[0];
  const pairs = uniq(pool.map((v) => `torch ${v.version} ↔ ${bad.req.name} ${publicVersion(bad.req.name === 'torchvision' ? v.torchvision : v.torchaudio)}`));
  const t = torchReq(input);
  const why = `torch ships with a matching ${bad.req.name}: ${pairs.slice(0, 4).join(', ')}`;
  const hint = `pin the ${bad.req.name} that matches your torch, or drop the ${bad.req.name} pin so cogpack picks it`;
  if (t === bad.req) throw resolveError('E_TORCH_COMPANION', `${describe(bad.req)} matches no known torch release: ${why}`, [bad.req], hint);
  throw conflictError('E_TORCH_COMPANION', t, bad.req, why, hint);
}

function explainVariant(pool: TorchVariant[], input: ExplainInput): never {
  const t = input.torch.find((i) => i.req.constraint.includes(`+${input.local}`))?.req ?? torchReq(input);
  const variants = uniq(pool.map((v) => v.variant));
  throw resolveError(
    'E_TORCH_VARIANT',
    `torch ${t.constraint} (${t.source}) has no +${input.local} wheel; wheels for it: ${variants.join(', ') || 'none'}`,
    [t],
    `use one of ${variants.map((v) => `+${v}`).join(', ')}, or drop the +suffix and let cogpack pick`,
  );
}

function explainPython(pool: TorchVariant[], input: ExplainInput): never {
  const t = torchReq(input);
  const supports = uniq(pool.flatMap((v) => v.pythons)).sort();
  const hard = input.python.filter((i) => !isDefaultSource(i.req.source));
  const culprit: Constrained | undefined = hard.find((i) => !supports.some((p) => minorSatisfies(p, i.spec))) ?? hard[0];
  const allowed = input.pythons.join(', ');
  const later = usable(input)
    .filter((v) => v.pythons.some((p) => input.pythons.includes(p)))
    .map((v) => v.version);
  const fixes = [`use python ${pythonRange(supports.filter((p) => input.data.python.supported.includes(p)))}`];
  if (later.length > 0) fixes.push(`or a torch release that supports python ${allowed} (e.g. torch==${later.sort(compareDotted).pop()})`);
  const why = `torch ${uniq(pool.map((v) => v.version)).join(', ')} supports python ${pythonRange(supports)} but python ${allowed} is required`;
  if (!culprit) throw resolveError('E_TORCH_PYTHON', `${describe(t)}: ${why}`, [t], fixes.join(', '));
  throw conflictError('E_TORCH_PYTHON', t, culprit.req, why, fixes.join(', '));
}

function usable(input: ExplainInput): TorchVariant[] {
  return usableVariants(input.data.torch, input.data.cuda, input.gpu);
}

/** The user's cudnn excluded every wheel's CUDA (no image pairs them): name torch and the cudnn request. */
function explainCudnn(pool: TorchVariant[], input: ExplainInput, t: DependencyRequest): never {
  const cudnnReq = input.cudnnReqs[0];
  const pairs = uniq(pool.map((v) => `cu${(v.cuda ?? '').replace('.', '')} → cuDNN ${cudnnMajorsFor(input.data.cuda, v.cuda ?? '').join('/')}`));
  const why = `no nvidia/cuda image pairs torch ${uniq(pool.map((v) => v.version)).join(', ')}'s CUDA with cuDNN ${cudnnReq.constraint} (${pairs.join(', ')})`;
  throw conflictError(
    'E_CUDNN_CONFLICT',
    t,
    cudnnReq,
    why,
    'remove the cudnn setting so cogpack picks the cuDNN of the CUDA image, or pin an older torch built for a CUDA with that cuDNN',
  );
}

function explainCuda(pool: TorchVariant[], input: ExplainInput): never {
  const t = torchReq(input);
  const withoutCudnn = { ...input.cuda, cudnnRanges: [] };
  if (input.cudnnReqs.length > 0 && pool.some((v) => cudaFit(v, withoutCudnn, input.data.cuda) !== 'none')) explainCudnn(pool, input, t);
  const wheels = uniq(pool.map((v) => `cu${(v.cuda ?? '').replace('.', '')}`));
  const decider = input.cudaDeciders[0];
  const asked = input.cuda.fixed ?? decider?.constraint ?? '';
  const builtFor = uniq(
    usable(input)
      .filter((v) => v.cuda === asked)
      .map((v) => v.version),
  )
    .sort(compareDotted)
    .reverse();
  const fixes = [`remove the cuda setting so cogpack uses torch's CUDA`, `or set cuda to one of ${uniq(pool.map((v) => v.cuda ?? '')).join(', ')}`];
  if (builtFor.length > 0) fixes.push(`or pin a torch built for CUDA ${asked} (e.g. torch==${builtFor[0]})`);
  const why = `torch ${uniq(pool.map((v) => v.version)).join(', ')} has wheels only for ${wheels.join(', ')}, none of which runs on CUDA ${asked}`;
  if (!decider) throw resolveError('E_CUDA_CONFLICT', `${describe(t)}: ${why}`, [t], fixes.join(', '));
  throw conflictError('E_CUDA_CONFLICT', t, decider, why, fixes.join(', '));
}

export function explainTorch(stage: TorchStage, pool: TorchVariant[], input: ExplainInput): never {
  switch (stage) {
    case 'version':
      return explainVersion(input);
    case 'companions':
      return explainCompanions(pool, input);
    case 'variant':
      return explainVariant(pool, input);
    case 'python':
      return explainPython(pool, input);
    case 'cuda':
      return explainCuda(pool, input);
  }
}
