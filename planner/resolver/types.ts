/**
 * The resolver's contract with the blocks: blocks emit DependencyRequests, the one resolver turns all of
 * them into a Resolution (versions, wheel indexes, CUDA/cuDNN, base images) with provenance kept.
 */
import type { Dependency } from '../plan-schema';

export type DependencyKind =
  | 'python' // the interpreter version (constraint in PEP 440 syntax, e.g. "==3.11", ">=3.10,<3.13")
  | 'python-package' // a PyPI distribution, PEP 440 constraint (e.g. torch "==2.3.1+cu121", ">=2.1,<2.3", "" = any)
  | 'cuda' // semver-ish "12.1", ">=11.8"
  | 'cudnn' // major version "8", "9"
  | 'system'; // an apt package (recorded, not version-resolved)

export interface DependencyRequest {
  kind: DependencyKind;
  /** normalised name: "python", "torch", "tensorflow", "cuda", "cudnn", or the package name (PEP 503 normalised) */
  name: string;
  /** the constraint as written by the user (or the block's default), "" for any */
  constraint: string;
  /** where it came from: `cog.yaml:12 build.python_version`, `requirements.txt:3`, `uv.lock`, `default` */
  source: string;
  /** the block that emitted it */
  requester: string;
}

export interface ResolveOptions {
  /** build.gpu from cog.yaml (or [tool.cogpack] gpu) */
  gpu: boolean;
  /** `SRC=DST` substitutions for base image references */
  imageMap: Record<string, string>;
}

export interface TorchChoice {
  /** version without local suffix, e.g. "2.3.1" */
  version: string;
  /** the wheel's local tag, e.g. "cu121" or "cpu" */
  variant: string;
  /** e.g. https://download.pytorch.org/whl/cu121 (no trailing slash); "" = PyPI's default wheel, add no index (torch 2.0.x +cu117) */
  index_url: string;
  torchvision?: string;
  torchaudio?: string;
  /** null for CPU wheels */
  cuda: string | null;
}

export interface TensorflowChoice {
  version: string;
  /** "tensorflow" or "tensorflow-cpu" etc, from the TF row */
  package: string;
  cuda: string | null;
  cudnn: string | null;
}

export interface Resolution {
  /**
   * every resolved dependency, keyed by name; becomes Plan.dependencies. Python packages are keyed by their
   * PEP 503 name, apt packages by `system:<name>`. resolved_version of packages pip resolves is the exact
   * pin, else the combined specifier ("*" = any).
   */
  dependencies: Record<string, Dependency>;
  /** full python minor version chosen, e.g. "3.11" */
  python: string;
  torch?: TorchChoice;
  tensorflow?: TensorflowChoice;
  /** present when gpu is on */
  cuda?: { version: string; cudnn: string };
  /** after the image map */
  baseImage: { build: string; runtime: string; packages: Record<string, string> };
  /** non-fatal notes (deprecated field, a cuda pin overridden by torch, …), one line each */
  warnings: string[];
}
