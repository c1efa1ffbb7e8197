/**
 * Python packages the resolver does not pick (pip/uv do): their constraints are intersected per name,
 * recorded with provenance, and two requesters that pin incompatible versions fail naming both.
 */
import type { Dependency } from '../plan-schema';
import type { DependencyRequest } from './types';
import { exactPin, joinConstraints, normaliseAll, pep440Satisfies, type Constrained } from './constraints';
import { conflictError, isDefaultSource } from './errors';

/** Fails when one request's exact pin is outside another's constraint (the only conflict provable without an index). */
function checkPins(items: Constrained[]): void {
  for (const a of items) {
    const pin = exactPin(a.spec);
    if (!pin) continue;
    const b = items.find((other) => other !== a && !pep440Satisfies(pin, other.spec));
    if (b) {
      throw conflictError(
        'E_PACKAGE_CONFLICT',
        a.req,
        b.req,
        `${a.req.name} ${pin} does not satisfy ${b.req.constraint}`,
        `make the ${a.req.name} requirements agree`,
      );
    }
  }
}

/** Provider, requested_version and source of a group of requests for one name (user-written first). */
export function provenance(reqs: DependencyRequest[]): Pick<Dependency, 'provider' | 'requested_version' | 'source'> {
  const ordered = [...reqs.filter((r) => !isDefaultSource(r.source)), ...reqs.filter((r) => isDefaultSource(r.source))];
  return {
    provider: ordered[0]?.requester ?? 'resolver',
    requested_version: joinConstraints(ordered),
    source: [...new Set(ordered.map((r) => r.source))].join('; ') || 'default',
  };
}

/** Records a package pip will resolve: resolved_version is the exact pin, else the combined specifier ("*" = any). */
export function resolvePackage(reqs: DependencyRequest[]): Dependency {
  const items = normaliseAll(reqs, 'pep440');
  checkPins(items);
  const pins = items.map((i) => exactPin(i.spec)).filter((p): p is string => p !== undefined);
  const specs = [...new Set(items.map((i) => i.spec).filter((s) => s !== ''))];
  return {
    name: reqs[0].name,
    ...provenance(reqs),
    resolved_version: pins[0] ?? (specs.join(',') || '*'),
  };
}

/** Records an apt package: not version-resolved, kept for provenance. */
export function recordSystem(reqs: DependencyRequest[]): Dependency {
  return { name: reqs[0].name, ...provenance(reqs), resolved_version: joinConstraints(reqs) || '*' };
}
