/** Normalises Docker image references the way BuildKit's source identifiers expect (docker.io/library/x:latest). */
import { InternalError } from '../src/errors';

const DEFAULT_DOMAIN = 'docker.io';

function splitDomain(ref: string): [string, string] {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  // The first component is a registry when it looks like a host (has . or :) or is localhost, as in Docker.
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return [first, ref.slice(slash + 1)];
  }
  return [DEFAULT_DOMAIN, ref];
}

/** `python:3.11-slim` → `docker.io/library/python:3.11-slim`; a digest ref keeps its digest and gets no tag. */
export function normalizeImageRef(ref: string): string {
  const trimmed = ref.trim();
  if (!trimmed || /\s/.test(trimmed) || trimmed.startsWith('/')) {
    throw new InternalError('E_IMAGE_REF', `invalid image reference "${ref}"`);
  }
  const [domain, rest] = splitDomain(trimmed);
  let remote = domain === DEFAULT_DOMAIN && !rest.includes('/') ? `library/${rest}` : rest;
  const at = remote.indexOf('@');
  const namePart = at >= 0 ? remote.slice(0, at) : remote;
  const hasTag = namePart.slice(namePart.lastIndexOf('/') + 1).includes(':');
  if (!hasTag && at < 0) remote = `${remote}:latest`;
  return `${domain}/${remote}`;
}
