/**
 * Base-image substitution: parses `SRC=DST` maps (from `--image-map` flags and COGPACK_IMAGE_MAP),
 * normalises image references (docker.io/library/x:latest style) and applies the map, so air-gapped
 * users and tests can swap registries without touching the planner.
 */
import { UsageError } from '../src/errors';

const DEFAULT_DOMAIN = 'docker.io';
const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

/** True when the first path component is a registry host (has a dot or port, or is localhost), as Docker decides. */
function isDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Splits `name[:tag][@digest]` without mistaking a registry port for a tag. */
function splitRef(ref: string): { name: string; tag?: string; digest?: string } {
  const [beforeDigest, digest] = ref.split('@', 2);
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return { name: beforeDigest, digest };
  return { name: beforeDigest.slice(0, colon), tag: beforeDigest.slice(colon + 1), digest };
}

/**
 * `python:3.11-slim` → `docker.io/library/python:3.11-slim`; `nvidia/cuda:12.1.1-…` → `docker.io/nvidia/cuda:12.1.1-…`;
 * `ubuntu` → `docker.io/library/ubuntu:latest`; a digest-only ref gets no tag. Returns null when the ref is malformed.
 */
export function tryNormaliseImageRef(ref: string): string | null {
  const { name, tag, digest } = splitRef(ref.trim());
  const parts = name.split('/');
  let domain = DEFAULT_DOMAIN;
  if (parts.length > 1 && isDomain(parts[0])) domain = parts.shift() as string;
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && parts.length === 1) parts.unshift('library');
  if (parts.length === 0 || !parts.every((p) => NAME_COMPONENT.test(p))) return null;
  if (tag !== undefined && !TAG.test(tag)) return null;
  if (digest !== undefined && !DIGEST.test(digest)) return null;
  const tagPart = tag !== undefined ? `:${tag}` : digest ? '' : ':latest';
  return `${domain}/${parts.join('/')}${tagPart}${digest ? `@${digest}` : ''}`;
}

/** Normalises a reference, throwing a UsageError for a malformed one. */
export function normaliseImageRef(ref: string): string {
  const out = tryNormaliseImageRef(ref);
  if (out === null) {
    throw new UsageError('E_IMAGE_REF', `"${ref}" is not a valid image reference`, {
      hint: 'write [registry/]name[:tag][@sha256:digest] in lower case, e.g. docker.io/library/python:3.11-slim',
    });
  }
  return out;
}

function badEntry(entry: string, why: string): UsageError {
  return new UsageError('E_IMAGE_MAP', `image map entry "${entry}" ${why}`, {
    hint: 'write comma-separated SRC=DST pairs, e.g. --image-map python:3.11-slim=registry.local/python:3.11-slim',
  });
}

/** Parses `SRC=DST[,SRC=DST…]` into normalised SRC → normalised DST; "" gives an empty map. */
export function parseImageMap(spec: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) throw badEntry(entry, 'has no "="');
    const src = tryNormaliseImageRef(entry.slice(0, eq));
    const dst = tryNormaliseImageRef(entry.slice(eq + 1));
    if (!entry.slice(0, eq).trim() || src === null) throw badEntry(entry, 'has an invalid source image before "="');
    if (!entry.slice(eq + 1).trim() || dst === null) throw badEntry(entry, 'has an invalid target image after "="');
    if (map[src] !== undefined && map[src] !== dst) throw badEntry(entry, `maps ${src} a second time (already to ${map[src]})`);
    map[src] = dst;
  }
  return map;
}

/** The map from COGPACK_IMAGE_MAP, then each `--image-map` flag in order (later entries win over the env). */
export function loadImageMap(flags: string[] = [], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const fromEnv = parseImageMap(env.COGPACK_IMAGE_MAP ?? '');
  const fromFlags = flags.map(parseImageMap);
  return Object.assign({}, fromEnv, ...fromFlags);
}

/** The reference after the map (matched on normalised refs); unmapped refs come back normalised. */
export function applyImageMap(ref: string, map: Record<string, string>): string {
  const key = normaliseImageRef(ref);
  const hit = map[key] ?? Object.entries(map).find(([src]) => tryNormaliseImageRef(src) === key)?.[1];
  return hit !== undefined ? normaliseImageRef(hit) : key;
}
