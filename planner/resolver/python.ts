/**
 * The Python interpreter: which supported minor versions (3.10–3.13, from planner/data/python-versions.json)
 * every python request allows, with a specific message for end-of-life or not-yet-supported versions.
 */
import type { PythonVersions } from '../data';
import { type Constrained, explainShortfall, pep440Satisfies, exactPin } from './constraints';
import { conflictError, describe, resolveError, isDefaultSource } from './errors';

/** Highest patch probed when asking "does any 3.X.y meet this constraint?" (CPython patches stay below this). */
const MAX_PATCH = 40;

/**
 * The patches of `minor` where the constraint's truth can change: 0, MAX_PATCH and each patch of this minor
 * that the constraint names, with its neighbours. Between two of them every clause (<, <=, ==, !=, >, >=,
 * ~=, wildcards, pre/post/dev suffixes) is constant, so probing these answers as probing all 41 would.
 */
export function probePatches(minor: string, spec: string): number[] {
  const [major, min] = minor.split('.').map(Number);
  const probes = new Set([0, MAX_PATCH]);
  for (const m of spec.matchAll(/(\d+)\.(\d+)(?:\.(\d+))?/g)) {
    if (Number(m[1]) !== major || Number(m[2]) !== min) continue;
    const named = m[3] === undefined ? 0 : Number(m[3]);
    for (const p of [named - 1, named, named + 1]) if (p >= 0 && p <= MAX_PATCH) probes.add(p);
  }
  return [...probes].sort((a, b) => a - b);
}

/**
 * True when some patch release of the minor version (e.g. 3.11.0 … 3.11.40) meets the constraint. Probes
 * only the patches where the answer can change: each PEP 440 check costs ~0.1 ms, and probing all 41
 * patches of every supported minor took 124 checks per plan for a plain `==3.11.*`.
 */
export function minorSatisfies(minor: string, spec: string): boolean {
  if (spec === '') return true;
  return probePatches(minor, spec).some((patch) => pep440Satisfies(`${minor}.${patch}`, spec));
}

/** The minor version a constraint names, e.g. `==3.8` → `3.8`, `>=2.7.18` → `2.7`. */
function namedMinor(spec: string): string | undefined {
  const m = /(\d+)\.(\d+)/.exec(spec);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** Fails for a constraint that no supported python meets, with the data's reason when the version is known-unsupported. */
function unmatched(item: Constrained, data: PythonVersions): never {
  const minor = namedMinor(item.spec);
  const reason = minor ? data.unsupported[minor] : undefined;
  const message = reason
    ? `python ${item.req.constraint} (${item.req.source}) is not supported: ${reason}`
    : `python ${item.req.constraint} (${item.req.source}) matches none of the supported versions ${data.supported.join(', ')}`;
  throw resolveError('E_PYTHON_VERSION', message, [item.req], data.hint);
}

/**
 * The supported minors that every user-written python request allows (defaults are preferences, applied
 * later by `choosePython`). Fails naming the request (or the pair of requests) that cannot be met.
 */
export function pythonCandidates(items: Constrained[], data: PythonVersions): string[] {
  const hard = items.filter((i) => !isDefaultSource(i.req.source));
  const cands = data.supported.filter((v) => hard.every((i) => minorSatisfies(v, i.spec)));
  if (cands.length > 0) return cands;
  const why = explainShortfall(data.supported, hard, (v, i) => minorSatisfies(v, i.spec));
  if (why.kind === 'unmatched') unmatched(why.item, data);
  if (why.kind === 'pair') {
    throw conflictError(
      'E_PYTHON_CONFLICT',
      why.a.req,
      why.b.req,
      'no python version satisfies both',
      'make the python versions agree (cog.yaml build.python_version and pyproject requires-python)',
    );
  }
  throw resolveError(
    'E_PYTHON_CONFLICT',
    `no python version satisfies all of: ${why.items.map((i) => describe(i.req)).join('; ')}`,
    why.items.map((i) => i.req),
    'make the python version requests agree',
  );
}

/**
 * The newest candidate, preferring one that also meets the block defaults; a default that cannot be
 * honoured is dropped with a warning (it was only a default).
 */
export function choosePython(cands: string[], items: Constrained[], warnings: string[]): string {
  const defaults = items.filter((i) => isDefaultSource(i.req.source));
  const preferred = cands.filter((v) => defaults.every((i) => minorSatisfies(v, i.spec)));
  const pool = preferred.length > 0 ? preferred : cands;
  if (preferred.length === 0 && defaults.length > 0) {
    warnings.push(`python: default ${defaults.map((d) => d.req.constraint).join(',')} does not fit the other requirements; using ${pool[pool.length - 1]}`);
  }
  const chosen = pool[pool.length - 1];
  for (const i of items) {
    const pin = exactPin(i.spec);
    if (pin && pin.split('.').length > 2 && !pin.endsWith('.*')) {
      warnings.push(`python: ${i.req.source} pins ${pin}; the base image provides the newest ${chosen} patch release`);
    }
  }
  return chosen;
}
