/**
 * The GPU target: which CUDA minor and cuDNN major the base image provides, and which nvidia/cuda tag
 * provides them, given the user's cuda/cudnn requests and what the frameworks decided.
 */
import type { CudaRow } from '../data';
import type { DependencyRequest } from './types';
import { compareDotted, explainShortfall, semverishSatisfies, type Constrained } from './constraints';
import { conflictError, resolveError } from './errors';
import { cudaMajor, cudaMinorsWithImages, cudnnMajorsFor, minorMeets, pickCudaImage } from './cuda';

/** The imaged CUDA minors every user cuda request allows; fails naming the request (or pair) that allows none. */
export function userCudaMinors(rows: CudaRow[], items: Constrained[]): string[] {
  const minors = cudaMinorsWithImages(rows);
  const ok = (m: string, i: Constrained) => minorMeets(rows, m, i.spec);
  const allowed = minors.filter((m) => items.every((i) => ok(m, i)));
  if (allowed.length > 0) return allowed;
  const why = explainShortfall(minors, items, ok);
  if (why.kind === 'pair') {
    throw conflictError('E_CUDA_CONFLICT', why.a.req, why.b.req, 'no CUDA version satisfies both', 'make the cuda settings agree');
  }
  const item = why.kind === 'unmatched' ? why.item : why.items[0];
  throw resolveError(
    'E_CUDA_VERSION',
    `CUDA ${item.req.constraint} (${item.req.source}) has no nvidia/cuda cuDNN devel image; CUDA versions with one: ${minors.join(', ')}`,
    [item.req],
    `set cuda to one of ${minors
      .filter((m) => cudaMajor(m) >= 11)
      .slice(-6)
      .join(', ')}, or remove it so cogpack picks from torch/tensorflow`,
  );
}

/** A framework whose tested build fixes the CUDA (TensorFlow), as cudaForFramework needs it. */
export interface CudaFixer {
  name: string;
  version: string;
  /** the CUDA minor it was built and tested for */
  cuda: string;
  req: DependencyRequest;
}

/**
 * CUDA under a framework that fixes it: its tested CUDA, unless the user asked for another CUDA of the same
 * major (kept, with a warning, as cog does for TensorFlow); a different major is a conflict naming both.
 */
export function cudaForFramework(rows: CudaRow[], fw: CudaFixer, user: Constrained[], warnings: string[]): string {
  const fwCuda = fw.cuda;
  if (user.length === 0 || user.every((i) => minorMeets(rows, fwCuda, i.spec))) return fwCuda;
  const allowed = userCudaMinors(rows, user).filter((m) => cudaMajor(m) === cudaMajor(fwCuda));
  if (allowed.length === 0) {
    throw conflictError(
      'E_CUDA_CONFLICT',
      fw.req,
      user[0].req,
      `${fw.name} ${fw.version} is built and tested for CUDA ${fwCuda}, a different CUDA major`,
      `remove the cuda setting (cogpack then uses ${fwCuda}), or set it to ${fwCuda}`,
    );
  }
  const chosen = allowed.sort(
    (a, b) =>
      Math.abs(Number(a.split('.')[1]) - Number(fwCuda.split('.')[1])) - Math.abs(Number(b.split('.')[1]) - Number(fwCuda.split('.')[1])) ||
      compareDotted(b, a),
  )[0];
  warnings.push(
    `cuda: ${user[0].req.source} asks for CUDA ${chosen} but ${fw.name} ${fw.version} was tested with ${fwCuda}; keeping ${chosen} (same major), as cog does`,
  );
  return chosen;
}

/**
 * CUDA with no framework deciding: the newest the user allows, preferring one with an image of the cuDNN
 * the user asked for; with no cuda request, the data's default (cog: 11.8).
 */
export function cudaWithoutFramework(rows: CudaRow[], user: Constrained[], cudnn: Constrained[], defaultCuda: string): string {
  if (user.length === 0) return defaultCuda;
  const allowed = userCudaMinors(rows, user);
  const withCudnn = allowed.filter((m) => cudnnMajorsFor(rows, m).some((c) => cudnn.every((i) => semverishSatisfies(c, i.spec))));
  const pool = withCudnn.length > 0 ? withCudnn : allowed;
  return pool[pool.length - 1];
}

export interface CudnnInput {
  rows: CudaRow[];
  minor: string;
  /** user cuda ranges that pin a patch release (applied when the minor is theirs) */
  cudaRanges: string[];
  user: Constrained[];
  /** cuDNN major a framework (TensorFlow) was tested with, its name and its request */
  framework?: { name: string; major: string; req: DependencyRequest };
  /** requests that decided the CUDA minor, for naming in errors */
  cudaBy: DependencyRequest;
  warnings: string[];
}

/** cuDNN: a framework's tested major when it has an image for this CUDA, else the highest with an image that the user allows. */
export function chooseCudnn(input: CudnnInput): string {
  const { rows, minor, user, framework: fw } = input;
  const available = cudnnMajorsFor(rows, minor, input.cudaRanges);
  if (fw) {
    const clash = user.find((i) => !semverishSatisfies(fw.major, i.spec));
    if (clash)
      throw conflictError('E_CUDNN_CONFLICT', fw.req, clash.req, `${fw.name} needs cuDNN ${fw.major}`, `remove the cudnn setting or set it to ${fw.major}`);
    if (available.includes(fw.major)) return fw.major;
    const fallback = available[available.length - 1];
    input.warnings.push(`cudnn: no nvidia/cuda ${minor} image ships cuDNN ${fw.major} (${fw.name}'s tested version); using the cuDNN ${fallback} image`);
    return fallback;
  }
  const allowed = available.filter((c) => user.every((i) => semverishSatisfies(c, i.spec)));
  if (allowed.length > 0) return allowed[allowed.length - 1];
  const req = user.find((i) => !available.some((c) => semverishSatisfies(c, i.spec))) ?? user[0];
  throw conflictError(
    'E_CUDNN_CONFLICT',
    req.req,
    input.cudaBy,
    `nvidia/cuda images for CUDA ${minor} ship only cuDNN ${available.join(', ')}`,
    `set cudnn to ${available[available.length - 1]} or remove it`,
  );
}

/** The image row for the target; a missing one means the data is inconsistent (cogpack's fault). */
export function cudaImage(rows: CudaRow[], minor: string, cudnn: string, cudaRanges: string[]): CudaRow {
  const row = pickCudaImage(rows, minor, cudnn, cudaRanges) ?? pickCudaImage(rows, minor, cudnn);
  if (!row) {
    throw resolveError(
      'E_CUDA_IMAGE',
      `no nvidia/cuda image for CUDA ${minor} with cuDNN ${cudnn}`,
      [],
      'report this: cogpack chose a CUDA/cuDNN pair its data has no image for',
    );
  }
  return row;
}
