/**
 * Chooses the torch wheel: the newest version every torch/torchvision/torchaudio request allows that has
 * a wheel for the build (CPU, or a CUDA with an image), supports an allowed python and runs on the CUDA
 * the user or TensorFlow asked for. Each filter that empties the choice explains itself (torch-explain.ts).
 */
import type { ResolverData } from '../data';
import type { DependencyRequest, FrameworkInput, FrameworkResolver } from './types';
import { compareDotted, splitLocal, type Constrained } from './constraints';
import { conflictError, isDefaultSource, resolveError } from './errors';
import { companionsOk, cudaFit, publicVersion, hostCudaFor, pythonOk, usableVariants, versionOk, type CudaTarget, type TorchVariant } from './torch-rows';
import { explainTorch, type TorchStage } from './torch-explain';

export interface TorchInput {
  torch: Constrained[];
  vision: Constrained[];
  audio: Constrained[];
  /** python requests, to name the one that clashes with a torch row */
  python: Constrained[];
  /** python minors still allowed */
  pythons: string[];
  gpu: boolean;
  cuda: CudaTarget;
  /** who decided the CUDA target: the user's cuda requests, or TensorFlow's request */
  cudaDeciders: DependencyRequest[];
  /** the user's cudnn requests (they narrow the CUDA versions a wheel may run on) */
  cudnnReqs: DependencyRequest[];
  data: ResolverData;
  warnings: string[];
}

export interface TorchResult {
  chosen: TorchVariant;
  /** CUDA minor the base image must provide (the wheel's, or a newer one of the same major); null on CPU */
  hostCuda: string | null;
  pythons: string[];
}

/** The wheel variant named by `+cu121`/`+cpu` in the torch requests, checked against the build's mode. */
function requestedLocal(input: TorchInput): string | undefined {
  const locals = input.torch.map((i) => ({ i, local: splitLocal(i.spec).local })).filter((x) => x.local);
  const first = locals[0];
  const other = locals.find((x) => x.local !== first?.local);
  if (first && other) {
    throw conflictError(
      'E_TORCH_CONFLICT',
      first.i.req,
      other.i.req,
      `they ask for different torch wheels (+${first.local} and +${other.local})`,
      'keep one +variant suffix, or none and let cogpack pick',
    );
  }
  if (!first?.local) return undefined;
  if (input.gpu && first.local === 'cpu') {
    throw resolveError(
      'E_TORCH_VARIANT',
      `torch ${first.i.req.constraint} (${first.i.req.source}) asks for the CPU-only wheel but gpu is on`,
      [first.i.req],
      'drop the +cpu suffix, or set build.gpu: false',
    );
  }
  if (!input.gpu && first.local.startsWith('cu')) {
    input.warnings.push(`torch: ${first.i.req.source} asks for the +${first.local} wheel but gpu is off; using the CPU wheel`);
    return undefined;
  }
  return first.local;
}

/** Runs each filter in turn; the first that leaves nothing explains why, naming the requests involved. */
function filterStages(input: TorchInput, local: string | undefined): TorchVariant[] {
  const items = input.torch.map((i) => ({ req: i.req, spec: splitLocal(i.spec).spec }));
  const stages: [TorchStage, (v: TorchVariant) => boolean][] = [
    ['version', (v) => versionOk(v, items)],
    ['companions', (v) => companionsOk(v, input.vision, input.audio)],
    ['variant', (v) => !local || v.variant === local],
    ['python', (v) => pythonOk(v, input.pythons)],
    ['cuda', (v) => !input.gpu || cudaFit(v, input.cuda, input.data.cuda) !== 'none'],
  ];
  let pool = usableVariants(input.data.torch, input.data.cuda, input.gpu);
  for (const [stage, keep] of stages) {
    const next = pool.filter(keep);
    if (next.length === 0) explainTorch(stage, pool, { ...input, torch: items, local });
    pool = next;
  }
  return pool;
}

/** Newest version first, then the newest CUDA; exact CUDA matches beat merely compatible ones. */
function pick(pool: TorchVariant[], input: TorchInput): TorchVariant {
  const exact = input.gpu ? pool.filter((v) => cudaFit(v, input.cuda, input.data.cuda) === 'exact') : [];
  const best = exact.length > 0 ? exact : pool;
  return [...best].sort((a, b) => compareDotted(b.version, a.version) || compareDotted(b.cuda ?? '0', a.cuda ?? '0'))[0];
}

export function chooseTorch(input: TorchInput): TorchResult {
  const local = requestedLocal(input);
  const chosen = pick(filterStages(input, local), input);
  let hostCuda: string | null = null;
  if (input.gpu && chosen.cuda) {
    hostCuda = cudaFit(chosen, input.cuda, input.data.cuda) === 'exact' ? chosen.cuda : hostCudaFor(chosen, input.cuda, input.data.cuda);
    if (hostCuda !== chosen.cuda) {
      const by = input.cudaDeciders.map((r) => r.source).join(', ');
      input.warnings.push(
        `torch ${chosen.version} has no CUDA ${hostCuda} wheel; using its +${chosen.variant} wheel on the CUDA ${hostCuda} base asked for by ${by} (same CUDA major, so the wheel runs)`,
      );
    }
  }
  const pinned = input.torch.some((i) => !isDefaultSource(i.req.source) && splitLocal(i.spec).spec !== '');
  if (!pinned) {
    const from = input.torch[0]?.req.source ?? input.vision[0]?.req.source ?? input.audio[0]?.req.source ?? 'default';
    input.warnings.push(
      `torch is not pinned (${from}); resolved to ${chosen.version}+${chosen.variant}, the newest known to fit; pin torch==${chosen.version} to keep it when cogpack's data is updated`,
    );
  }
  return { chosen, hostCuda, pythons: input.pythons.filter((p) => chosen.pythons.includes(p)) };
}

/** The distributions the torch framework owns. */
export const TORCH_FAMILY = ['torch', 'torchvision', 'torchaudio'];

function torchInput(input: FrameworkInput): TorchInput {
  const { cuda } = input;
  const [torch, vision, audio] = TORCH_FAMILY.map((n) => input.requests[n] ?? []);
  return {
    torch,
    vision,
    audio,
    python: input.python,
    pythons: input.pythons,
    gpu: input.gpu,
    cuda: { fixed: cuda.fixed, ranges: cuda.user.map((i) => i.spec), cudnnRanges: cuda.cudnn.map((i) => i.spec) },
    cudaDeciders: cuda.fixedBy && cuda.fixed ? [cuda.fixedBy] : cuda.user.map((i) => i.req),
    cudnnReqs: cuda.cudnn.map((i) => i.req),
    data: input.data,
    warnings: input.warnings,
  };
}

/**
 * torch as a framework plugin: its wheels adapt to a CUDA (resolved after TensorFlow, which fixes one). The
 * stage installs torch plus the torchvision/torchaudio of its row that the project names.
 */
export const torchFramework: FrameworkResolver = {
  name: 'torch',
  packages: TORCH_FAMILY,
  choose(input) {
    const t = chooseTorch(torchInput(input));
    const c = t.chosen;
    const packages: Record<string, string> = { torch: c.version };
    for (const [name, v] of [
      ['torchvision', c.torchvision],
      ['torchaudio', c.torchaudio],
    ] as const) {
      if (v && (input.requests[name] ?? []).length > 0) packages[name] = publicVersion(v);
    }
    const resolved = { torch: c.indexUrl ? `${c.version}+${c.variant}` : c.version, torchvision: c.torchvision, torchaudio: c.torchaudio };
    return {
      choice: { version: c.version, variant: c.variant, packages, index_url: c.indexUrl, cuda: c.cuda, cudnn: null },
      pythons: t.pythons,
      hostCuda: t.hostCuda,
      resolved,
      always: ['torch'],
    };
  },
};
