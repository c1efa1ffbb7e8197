/**
 * The resolver's contract with the blocks: blocks emit DependencyRequests, the one resolver turns all of
 * them into a Resolution (versions, wheel indexes, CUDA/cuDNN, base images) with provenance kept.
 */
import type { Dependency } from '../plan-schema';
import type { ResolverData } from '../data';

export type DependencyKind =
  | 'python' // the interpreter version (constraint in PEP 440 syntax, e.g. "==3.11", ">=3.10,<3.13")
  | 'python-package' // a PyPI distribution, PEP 440 constraint (e.g. torch "==2.3.1+cu121", ">=2.1,<2.3", "" = any)
  | 'cuda' // semver-ish "12.1", ">=11.8"
  | 'cudnn' // major version "8", "9"
  | 'system'; // an apt package (recorded, not version-resolved)

export interface DependencyRequest {
  kind: DependencyKind;
  /** normalised name: "python", "cuda", "cudnn", or the package name (PEP 503 normalised) */
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
  /** the framework resolvers, in registration order (the blocks register them) */
  frameworks: readonly FrameworkResolver[];
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
  /** the registered frameworks the project asked for, by name (`torch`, `tensorflow`, …), in registration order */
  frameworks: Record<string, FrameworkChoice>;
  /** present when gpu is on */
  cuda?: { version: string; cudnn: string };
  /** after the image map */
  baseImage: { build: string; runtime: string; packages: Record<string, string> };
  /** non-fatal notes (deprecated field, a cuda pin overridden by torch, …), one line each */
  warnings: string[];
}

/** A request with its constraint normalised for the resolver's comparisons (constraints.ts makes them). */
export interface Constrained {
  req: DependencyRequest;
  spec: string;
}

// Frameworks are plugins: a framework (torch, TensorFlow, …) owns some distributions, and its resolver turns
// their requests into one FrameworkChoice, narrowing the pythons and, with gpu, naming the CUDA the base image
// must provide. The resolver knows no framework by name: the caller registers them (ResolveOptions.frameworks).

/** What a framework's stage installs, and what it needs from the base image. */
export interface FrameworkChoice {
  /** the framework's own version, e.g. "2.3.1" */
  version: string;
  /** the wheel variant, e.g. "cu121" or "cpu"; "" when the framework names none */
  variant: string;
  /** the distributions its stage installs, name → exact version, in install order */
  packages: Record<string, string>;
  /** the wheel index those come from (no trailing slash); "" = the default index */
  index_url: string;
  /** CUDA minor the wheels are built for; null for CPU wheels (or when they bring their own CUDA libraries) */
  cuda: string | null;
  /** cuDNN major the base image must ship; null when the wheels do not use the image's cuDNN */
  cudnn: string | null;
}

export interface FrameworkCuda {
  /** a CUDA minor already fixed by a framework resolved earlier (or its host CUDA), else undefined */
  fixed?: string;
  /** the request of the framework that fixed it */
  fixedBy?: DependencyRequest;
  /** the user's cuda / cudnn requests (empty with gpu off) */
  user: Constrained[];
  cudnn: Constrained[];
}

export interface FrameworkInput {
  /** its requests by (PEP 503) name, constraints normalised as PEP 440; [] for a name nobody asked for */
  requests: Record<string, Constrained[]>;
  /** python requests, to name the one that clashes */
  python: Constrained[];
  /** python minors still allowed */
  pythons: string[];
  gpu: boolean;
  cuda: FrameworkCuda;
  data: ResolverData;
  /** one line each; the resolver appends them to Resolution.warnings */
  warnings: string[];
}

export interface FrameworkResult {
  choice: FrameworkChoice;
  /** the python minors left that this choice supports */
  pythons: string[];
  /** with gpu: the CUDA minor the base image must provide (the wheel's, or one it runs on); null = no opinion */
  hostCuda: string | null;
  /** Plan.dependencies resolved_version for each of its names the project requested */
  resolved: Record<string, string>;
  /** names recorded in Plan.dependencies even when only a companion was requested (torch for torchvision) */
  always?: string[];
}

export interface FrameworkResolver {
  /** the framework's name, its key in Resolution.frameworks */
  name: string;
  /** the distributions it owns (PEP 503 names); a request for any of them makes it resolve */
  packages: readonly string[];
  /**
   * Its CUDA is fixed by its own tested build (TensorFlow), so it is resolved before the frameworks whose
   * wheels adapt to a CUDA (torch). The others are resolved in registration order.
   */
  fixesCuda?: boolean;
  choose(input: FrameworkInput): FrameworkResult;
}
