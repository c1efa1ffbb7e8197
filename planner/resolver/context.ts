/**
 * The state one resolve() call threads through its steps: requests grouped by (PEP 503 normalised) name,
 * normalised constraints, warnings, and what has been chosen so far.
 */
import type { CudaRow, ResolverData } from '../data';
import { normalizeName } from '../project/requirements';
import type { Constrained, DependencyRequest, FrameworkResolver, FrameworkResult, ResolveOptions } from './types';

export interface Grouped {
  byName: Map<string, DependencyRequest[]>;
  get(name: string): DependencyRequest[];
}

/** Groups requests by name; python packages by their PEP 503 name, apt packages under `system:<name>`. */
export function group(requests: DependencyRequest[]): Grouped {
  const byName = new Map<string, DependencyRequest[]>();
  for (const r of requests) {
    const req = r.kind === 'python-package' ? { ...r, name: normalizeName(r.name) } : r;
    const key = req.kind === 'system' ? `system:${req.name}` : req.name;
    byName.set(key, [...(byName.get(key) ?? []), req]);
  }
  return { byName, get: (name) => byName.get(name) ?? [] };
}

export interface Ctx {
  data: ResolverData;
  g: Grouped;
  opts: ResolveOptions;
  warnings: string[];
  python: Constrained[];
  cudaItems: Constrained[];
  cudnnItems: Constrained[];
}

export interface GpuTarget {
  row: CudaRow;
  minor: string;
  /** the request (user's, or a synthetic one from the resolver) that decided the CUDA minor */
  cudaBy: DependencyRequest;
}

/** A framework the project asked for, with what its resolver chose. */
export interface ChosenFramework {
  resolver: FrameworkResolver;
  result: FrameworkResult;
  /** every request for its distributions, in the order of its `packages` (the first names it in messages) */
  reqs: DependencyRequest[];
}

export interface Chosen {
  python: string;
  /** in resolution order */
  frameworks: ChosenFramework[];
  gpu?: GpuTarget;
}
