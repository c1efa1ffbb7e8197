/**
 * jax: installs jax and jaxlib (with gpu, also jax's CUDA 12 wheels: jax-cuda12-plugin with its bundled CUDA
 * libraries and jax-cuda12-pjrt, as `jax[cuda12]` does) in a framework stage of its own, pinned by its
 * resolver from blocks/data/jax-compatibility.json. The CUDA wheels bring their own CUDA and cuDNN, so the
 * base only needs CUDA 12: the CUDA another framework fixed, else the newest 12.x the user allows.
 */
import type { Constrained, FrameworkInput, FrameworkResolver } from '../planner/resolver/types';
import { compareDotted, exactPin, explainShortfall, pep440Satisfies } from '../planner/resolver/constraints';
import { cudaMajor, cudaMinorsWithImages } from '../planner/resolver/cuda';
import { userCudaMinors } from '../planner/resolver/cuda-choice';
import { conflictError, describe, isDefaultSource, resolveError } from '../planner/resolver/errors';
import { pythonRange } from '../planner/resolver/torch-explain';
import { closestVersions } from '../planner/resolver/torch-rows';
import data from './data/jax-compatibility.json';
import { requirementsFramework } from './support/frameworks';

type JaxRow = (typeof data.rows)[number];

/** The distributions jax owns: the CUDA wheels are pinned to jaxlib's version, like jaxlib itself. */
export const JAX_PACKAGES = ['jax', 'jaxlib', 'jax-cuda12-plugin', 'jax-cuda12-pjrt'];

const versionFor = (row: JaxRow, name: string) => (name === 'jax' ? row.jax : row.jaxlib);
const fits = (row: JaxRow, i: Constrained) => pep440Satisfies(versionFor(row, i.req.name), i.spec);

/** The rows every jax/jaxlib request allows; fails naming the request (or the pair) that allows none. */
function matchingRows(items: Constrained[]): JaxRow[] {
  const rows = data.rows.filter((row) => items.every((i) => fits(row, i)));
  if (rows.length > 0) return rows;
  const why = explainShortfall(data.rows, items, fits);
  if (why.kind === 'pair') {
    throw conflictError(
      'E_JAX_CONFLICT',
      why.a.req,
      why.b.req,
      'no jax release satisfies both',
      'make the jax and jaxlib pins agree (a jax release pins the jaxlib of its version)',
    );
  }
  const item = why.kind === 'unmatched' ? why.item : why.items[0];
  const known = data.rows.map((r) => r.jax);
  const pin = exactPin(item.spec);
  const near = pin ? closestVersions(known, pin) : [known[known.length - 1], known[0]];
  throw resolveError(
    'E_JAX_VERSION',
    `${describe(item.req)}: not a jax release cogpack knows; closest known: ${near.join(', ')}`,
    [item.req],
    `pin ${near.map((v) => `jax==${v}`).join(' or ')}`,
  );
}

/** The rows that support a python still allowed; fails naming the python request they clash with. */
function pythonRows(rows: JaxRow[], input: FrameworkInput, req: Constrained['req']): JaxRow[] {
  const fitting = rows.filter((r) => r.pythons.some((p) => input.pythons.includes(p)));
  if (fitting.length > 0) return fitting;
  const supports = [...new Set(rows.flatMap((r) => r.pythons))].sort(compareDotted);
  const why = `jax ${rows.map((r) => r.jax).join(', ')} supports python ${pythonRange(supports)} but python ${input.pythons.join(', ')} is required`;
  const python = input.python.find((i) => !isDefaultSource(i.req.source));
  const hint = `use python ${pythonRange(supports)}, or another jax release`;
  throw python ? conflictError('E_JAX_PYTHON', req, python.req, why, hint) : resolveError('E_JAX_PYTHON', `${describe(req)}: ${why}`, [req], hint);
}

/** The CUDA 12 minor for the base: one already fixed (must be 12.x), else the newest 12.x the user allows. */
function hostCuda(input: FrameworkInput, req: Constrained['req']): string {
  const major = Number(data.gpu.cuda_major);
  const { fixed, fixedBy, user } = input.cuda;
  if (fixed !== undefined) {
    if (cudaMajor(fixed) === major) return fixed;
    throw conflictError(
      'E_CUDA_CONFLICT',
      req,
      fixedBy ?? req,
      `jax's CUDA wheels need CUDA ${major}, and CUDA ${fixed} is already chosen`,
      `use a release of the other framework built for CUDA ${major}, or drop jax`,
    );
  }
  const pool = user.length > 0 ? userCudaMinors(input.data.cuda, user) : cudaMinorsWithImages(input.data.cuda);
  const minors = pool.filter((m) => cudaMajor(m) === major);
  if (minors.length === 0) {
    throw conflictError('E_CUDA_CONFLICT', req, user[0].req, `jax's CUDA wheels need CUDA ${major}`, `set cuda to a ${major}.x version, or remove it`);
  }
  return minors[minors.length - 1];
}

export const jaxFramework: FrameworkResolver = {
  name: 'jax',
  packages: JAX_PACKAGES,
  choose(input) {
    const items = JAX_PACKAGES.flatMap((n) => input.requests[n] ?? []);
    const req = items[0].req;
    const row = pythonRows(matchingRows(items), input, req).sort((a, b) => compareDotted(b.jax, a.jax))[0];
    if (!items.some((i) => i.spec !== '' && !isDefaultSource(i.req.source))) {
      input.warnings.push(`jax is not pinned (${req.source}); resolved to ${row.jax}, the newest known to fit; pin jax==${row.jax} to keep it`);
    }
    const packages: Record<string, string> = { jax: row.jax, jaxlib: row.jaxlib };
    if (input.gpu) for (const p of data.gpu.packages) packages[p] = row.jaxlib;
    return {
      choice: { version: row.jax, variant: input.gpu ? `cuda${data.gpu.cuda_major}` : '', packages, index_url: '', cuda: null, cudnn: null },
      pythons: input.pythons.filter((p) => row.pythons.includes(p)),
      hostCuda: input.gpu ? hostCuda(input, req) : null,
      resolved: Object.fromEntries(JAX_PACKAGES.map((n) => [n, n === 'jax' ? row.jax : row.jaxlib])),
      always: ['jax'],
    };
  },
};

// like torch's, built from python alone (not on the apt layer); on the framework stages planned before it
export const jax = requirementsFramework(jaxFramework, (j) => ({
  name: `jax ${j.version}${j.variant ? ` with its CUDA ${data.gpu.cuda_major} wheels` : ''}`,
  stack: true,
  provides: Object.keys(j.packages).map((p) => p.replace(/\[.*\]$/, '')),
}));
