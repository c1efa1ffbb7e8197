/**
 * Version constraints: PEP 440 for python and python packages, semver-style for CUDA/cuDNN, and the one
 * routine that intersects the constraints of several requesters and, when nothing is left, names the
 * pair that cannot agree.
 */
import * as pep440 from '@renovatebot/pep440';
import semverCoerce from 'semver/functions/coerce';
import semverSatisfies from 'semver/functions/satisfies';
import semverValidRange from 'semver/ranges/valid';
import type { Constrained, DependencyRequest } from './types';
import { resolveError } from './errors';

const BARE_VERSION = /^v?\d+(\.\d+)*([a-z0-9.+!-]*)$/i;

/** Normalises a PEP 440 constraint: a bare version `3.11` means `==3.11`; `""` stays "" (any). Null when invalid. */
export function normalisePep440(constraint: string): string | null {
  const c = constraint.trim().replace(/\s+/g, '');
  if (c === '' || c === '*') return '';
  const spec = BARE_VERSION.test(c) ? `==${c.replace(/^v/i, '')}` : c;
  return pep440.validRange(spec) ? spec : null;
}

export interface SplitLocal {
  /** the constraint with `+local` tags removed from its clauses */
  spec: string;
  /** the local tag of an `==X+tag` clause, e.g. `cu121`, `cpu` */
  local?: string;
}

/** `==2.3.1+cu121` → {spec: `==2.3.1`, local: `cu121`}: the variant is chosen separately from the version. */
export function splitLocal(spec: string): SplitLocal {
  let local: string | undefined;
  const clauses = spec
    .split(',')
    .filter((c) => c !== '')
    .map((c) => {
      const m = /^(.*?)\+([a-z0-9.]+)$/i.exec(c);
      if (!m) return c;
      local = m[2].toLowerCase();
      return m[1];
    });
  return { spec: clauses.join(','), local };
}

/** Memoised answers: the resolver asks the same (version, constraint) questions many times per run. */
const pep440Memo = new Map<string, boolean>();
const semverMemo = new Map<string, boolean>();

function memo(cache: Map<string, boolean>, key: string, compute: () => boolean): boolean {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = compute();
    cache.set(key, hit);
  }
  return hit;
}

/** True when `version` meets the (normalised) PEP 440 constraint; "" matches everything. */
export function pep440Satisfies(version: string, spec: string): boolean {
  return spec === '' || memo(pep440Memo, `${version}\0${spec}`, () => pep440.satisfies(version, spec));
}

/** The version of a single `==X` / `===X` clause without wildcards, else undefined. */
export function exactPin(spec: string): string | undefined {
  const m = /^={2,3}([^,*]+)$/.exec(spec);
  return m ? m[1] : undefined;
}

/** Normalises a semver-style CUDA/cuDNN constraint (`12.1`, `>=11.8`, `==12.1,<13`) to a semver range; null when invalid. */
export function normaliseSemverish(constraint: string): string | null {
  const parts = constraint
    .split(',')
    .map((p) => p.trim().replace(/\s+/g, '').replace(/^==?/, '='))
    .filter((p) => p !== '' && p !== '*');
  const range = parts.join(' ');
  if (range === '') return '';
  return semverValidRange(range) ? range : null;
}

/** True when a CUDA/cuDNN version (`12`, `12.1` or `12.1.1`) meets the normalised range; "" matches everything. */
export function semverishSatisfies(version: string, range: string): boolean {
  if (range === '') return true;
  return memo(semverMemo, `${version}\0${range}`, () => {
    const v = semverCoerce(version);
    return v !== null && semverSatisfies(v, range);
  });
}

export type { Constrained } from './types';

/** Normalises every request's constraint, failing at the request's source when it does not parse. */
export function normaliseAll(reqs: DependencyRequest[], scheme: 'pep440' | 'semver'): Constrained[] {
  return reqs.map((req) => {
    const spec = scheme === 'pep440' ? normalisePep440(req.constraint) : normaliseSemverish(req.constraint);
    if (spec === null) {
      const example = scheme === 'pep440' ? '"==2.3.1", ">=2.1,<2.3"' : '"12.1", ">=11.8"';
      throw resolveError(
        'E_BAD_CONSTRAINT',
        `${req.name}: cannot parse version constraint "${req.constraint}" (${req.source})`,
        [req],
        `write a ${scheme === 'pep440' ? 'PEP 440' : 'version'} constraint such as ${example}`,
      );
    }
    return { req, spec };
  });
}

export type Shortfall<C> =
  | { kind: 'unmatched'; item: C } // this constraint alone matches no candidate
  | { kind: 'pair'; a: C; b: C } // these two each match something, but never the same thing
  | { kind: 'all'; items: C[] }; // every pair agrees, yet all together do not

/**
 * Explains why no candidate meets every constraint: a constraint nothing meets, else the first pair
 * that cannot agree (so the error names both requesters), else the whole set.
 */
export function explainShortfall<T, C>(candidates: T[], items: C[], ok: (cand: T, item: C) => boolean): Shortfall<C> {
  const lone = items.find((item) => !candidates.some((c) => ok(c, item)));
  if (lone) return { kind: 'unmatched', item: lone };
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (!candidates.some((c) => ok(c, items[i]) && ok(c, items[j]))) return { kind: 'pair', a: items[i], b: items[j] };
    }
  }
  return { kind: 'all', items };
}

/** Joins the distinct constraints of several requests, `""` when none constrains. */
export function joinConstraints(reqs: DependencyRequest[]): string {
  return [...new Set(reqs.map((r) => r.constraint.trim()).filter((c) => c !== ''))].join(',');
}

/** Sorts dotted numeric versions ascending (`3.9` < `3.10`). */
export function compareDotted(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
