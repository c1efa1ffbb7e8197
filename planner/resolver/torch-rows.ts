/**
 * The torch wheel matrix as typed variants: one entry per (torch version, wheel variant) with its
 * companions, wheel index, CUDA and Pythons, plus the filters the torch choice applies to them.
 */
import * as pep440 from '@renovatebot/pep440';
import type { CudaRow, TorchRow } from '../data';
import { compareDotted, pep440Satisfies, type Constrained } from './constraints';
import { cudaMajor, cudaMinorsWithImages, cudnnMajorsFor, minorMeets } from './cuda';
import { semverishSatisfies } from './constraints';

export interface TorchVariant {
  /** public version, e.g. `2.3.1` */
  version: string;
  /** `cu121`, `cpu`; rows without a local tag (PyPI's default CUDA wheel) get `cu<CUDA>` */
  variant: string;
  /** CUDA minor, null for CPU wheels */
  cuda: string | null;
  /** wheel index without trailing slash; "" = PyPI's default wheel, no extra index */
  indexUrl: string;
  torchvision: string;
  torchaudio: string;
  pythons: string[];
}

/** Public part of a version: `0.18.1+cu121` → `0.18.1`. */
export function publicVersion(v: string): string {
  return v.split('+')[0];
}

export function toVariant(row: TorchRow): TorchVariant {
  const parsed = pep440.explain(row.Torch);
  const local = parsed?.local ?? (row.CUDA ? `cu${row.CUDA.replace('.', '')}` : 'cpu');
  return {
    version: publicVersion(row.Torch),
    variant: local,
    cuda: row.CUDA,
    indexUrl: (row.ExtraIndexURL || row.FindLinks).replace(/\/+$/, ''),
    torchvision: row.Torchvision,
    torchaudio: row.Torchaudio,
    pythons: row.Pythons,
  };
}

const variantsCache = new WeakMap<TorchRow[], TorchVariant[]>();

/** GPU variants whose CUDA has an nvidia/cuda image (drops e.g. cu102, as cog does) or CPU variants. */
export function usableVariants(rows: TorchRow[], cudaRows: CudaRow[], gpu: boolean): TorchVariant[] {
  let all = variantsCache.get(rows);
  if (!all) {
    all = rows.map(toVariant);
    variantsCache.set(rows, all);
  }
  const imaged = new Set(cudaMinorsWithImages(cudaRows));
  return all.filter((v) => (gpu ? v.cuda !== null && imaged.has(v.cuda) : v.cuda === null));
}

/** Distinct public torch versions in the data, newest first. */
export function knownVersions(rows: TorchRow[]): string[] {
  return [...new Set(rows.map((r) => publicVersion(r.Torch)))].sort((a, b) => compareDotted(b, a));
}

/** The known versions nearest to a missing one: the closest below and the closest above. */
export function closestVersions(known: string[], wanted: string): string[] {
  const below = known
    .filter((v) => compareDotted(v, wanted) < 0)
    .sort(compareDotted)
    .pop();
  const above = known.filter((v) => compareDotted(v, wanted) > 0).sort(compareDotted)[0];
  return [below, above].filter((v): v is string => v !== undefined);
}

export const versionOk = (v: TorchVariant, items: Constrained[]) => items.every((i) => pep440Satisfies(v.version, i.spec));

export const companionsOk = (v: TorchVariant, vision: Constrained[], audio: Constrained[]) =>
  vision.every((i) => pep440Satisfies(publicVersion(v.torchvision), i.spec)) && audio.every((i) => pep440Satisfies(publicVersion(v.torchaudio), i.spec));

export const pythonOk = (v: TorchVariant, pythons: string[]) => v.pythons.some((p) => pythons.includes(p));

/** How well a GPU variant fits the CUDA the user or TensorFlow asked for. */
export type CudaFit = 'exact' | 'compatible' | 'none';

export interface CudaTarget {
  /** CUDA minor fixed by TensorFlow's row */
  fixed?: string;
  /** the user's cuda constraints (normalised semver ranges) */
  ranges: string[];
  /** the user's cudnn constraints: only CUDA minors with an image of an allowed cuDNN qualify */
  cudnnRanges?: string[];
}

/**
 * exact: the wheel's CUDA is the one asked for. compatible: an imaged CUDA the user allows (or TF fixed)
 * has the same major and is not older than the wheel's, so the wheel runs on it (CUDA minor-version
 * compatibility). none: the wheel cannot run on any CUDA allowed.
 */
export function cudaFit(v: TorchVariant, target: CudaTarget, cudaRows: CudaRow[]): CudaFit {
  if (v.cuda === null) return 'none';
  const allowed = allowedMinors(target, cudaRows);
  if (allowed.includes(v.cuda)) return 'exact';
  const wheel = v.cuda;
  const ok = allowed.some((m) => cudaMajor(m) === cudaMajor(wheel) && compareDotted(m, wheel) >= 0);
  return ok ? 'compatible' : 'none';
}

/** True when the CUDA minor has an image whose cuDNN meets every range (always, when there are none). */
export function hasCudnn(cudaRows: CudaRow[], minor: string, ranges: string[]): boolean {
  return ranges.length === 0 || cudnnMajorsFor(cudaRows, minor).some((c) => ranges.every((r) => semverishSatisfies(c, r)));
}

/** The imaged CUDA minors the target allows (all of them when nothing constrains CUDA). */
export function allowedMinors(target: CudaTarget, cudaRows: CudaRow[]): string[] {
  if (target.fixed) return [target.fixed];
  let allowed = allowedCache.get(target);
  if (!allowed) {
    allowed = cudaMinorsWithImages(cudaRows).filter(
      (m) => target.ranges.every((r) => minorMeets(cudaRows, m, r)) && hasCudnn(cudaRows, m, target.cudnnRanges ?? []),
    );
    allowedCache.set(target, allowed);
  }
  return allowed;
}

/** One answer per target object (a resolve builds one target and asks for every torch variant). */
const allowedCache = new WeakMap<CudaTarget, string[]>();

/** The CUDA to put under a `compatible` wheel: the oldest allowed minor of the same major that is not older than the wheel's. */
export function hostCudaFor(v: TorchVariant, target: CudaTarget, cudaRows: CudaRow[]): string {
  const wheel = v.cuda ?? '';
  return allowedMinors(target, cudaRows)
    .filter((m) => cudaMajor(m) === cudaMajor(wheel) && compareDotted(m, wheel) >= 0)
    .sort(compareDotted)[0];
}
