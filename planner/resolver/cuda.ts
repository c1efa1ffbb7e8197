/**
 * CUDA and cuDNN against the nvidia/cuda image matrix: which CUDA versions have an image, which cuDNN
 * majors exist for a CUDA minor, and the base tag for a (CUDA minor, cuDNN) pair.
 */
import type { CudaRow } from '../data';
import { compareDotted, semverishSatisfies } from './constraints';

/** `12.1.1` → `12.1`. */
export function cudaMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** `12.1` → 12. */
export function cudaMajor(version: string): number {
  return Number(version.split('.')[0]);
}

const minorsCache = new WeakMap<CudaRow[], string[]>();

/** Every CUDA minor that has at least one image, ascending (computed once per data set). */
export function cudaMinorsWithImages(rows: CudaRow[]): string[] {
  let minors = minorsCache.get(rows);
  if (!minors) {
    minors = [...new Set(rows.map((r) => cudaMinor(r.CUDA)))].sort(compareDotted);
    minorsCache.set(rows, minors);
  }
  return minors;
}

/** The image rows for a CUDA minor whose full version meets every patch-level constraint (semver ranges). */
export function imagesFor(rows: CudaRow[], minor: string, ranges: string[] = []): CudaRow[] {
  return rows.filter((r) => cudaMinor(r.CUDA) === minor && ranges.every((s) => semverishSatisfies(r.CUDA, s)));
}

/** cuDNN majors that have an image for this CUDA minor, ascending. */
export function cudnnMajorsFor(rows: CudaRow[], minor: string, ranges: string[] = []): string[] {
  return [...new Set(imagesFor(rows, minor, ranges).map((r) => r.CuDNN))].sort(compareDotted);
}

/** True when a CUDA minor (e.g. `12.1`) meets a range by at least one of its imaged patch releases. */
export function minorMeets(rows: CudaRow[], minor: string, range: string): boolean {
  return semverishSatisfies(minor, range) || imagesFor(rows, minor, [range]).length > 0;
}

/**
 * cog's `cudaBaseImageFor`: tags with the same CUDA minor and cuDNN, newest CUDA patch first, then the
 * newest Ubuntu. Undefined when no image exists.
 */
export function pickCudaImage(rows: CudaRow[], minor: string, cudnn: string, ranges: string[] = []): CudaRow | undefined {
  return imagesFor(rows, minor, ranges)
    .filter((r) => r.CuDNN === cudnn)
    .sort((a, b) => compareDotted(b.CUDA, a.CUDA) || compareDotted(b.Ubuntu, a.Ubuntu))[0];
}
