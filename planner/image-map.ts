/**
 * Base-image substitution: parses `SRC=DST` maps (from `--image-map` flags and COGPACK_IMAGE_MAP),
 * normalises image references (docker.io/library/x:latest style) and applies the map, so air-gapped
 * users and tests can swap registries without touching the planner.
 *
 * Three entry forms, most specific first when applying:
 *   python:3.11-slim=mirror.local/python:3.11-slim       one image
 *   nvidia/cuda:*=mirror.local/cuda:*                    every tag of a repository (DST `:*` keeps the tag;
 *                                                        a DST with a fixed tag maps every tag to it)
 *   docker.io/*=mirror.local/dockerhub/*                 everything under a registry/namespace prefix
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

/** `nvidia/*` → `docker.io/nvidia/*`; null unless the pattern is a valid prefix followed by `/*`. */
function normalisePrefix(pattern: string): string | null {
  if (!pattern.endsWith('/*')) return null;
  const parts = pattern.slice(0, -2).split('/');
  let domain = DEFAULT_DOMAIN;
  if (isDomain(parts[0])) domain = parts.shift() as string;
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = DEFAULT_DOMAIN;
  if (!parts.every((p) => NAME_COMPONENT.test(p))) return null;
  return [domain, ...parts].join('/') + '/*';
}

/** Normalises one side of an entry: an image, `repo:*`, or `prefix/*`. Null when malformed. */
export function normalisePattern(side: string): string | null {
  const s = side.trim();
  if (s.endsWith('/*')) return normalisePrefix(s);
  if (s.endsWith(':*')) {
    const ref = tryNormaliseImageRef(`${s.slice(0, -2)}:latest`);
    return ref === null || ref.includes('@') ? null : `${ref.slice(0, -':latest'.length)}:*`;
  }
  return tryNormaliseImageRef(s);
}

const kindOf = (p: string) => (p.endsWith('/*') ? 'prefix' : p.endsWith(':*') ? 'tags' : 'image');

function parseEntry(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  if (eq < 0) throw badEntry(entry, 'has no "="');
  const src = normalisePattern(entry.slice(0, eq));
  const dst = normalisePattern(entry.slice(eq + 1));
  if (!entry.slice(0, eq).trim() || src === null) throw badEntry(entry, 'has an invalid source image before "="');
  if (!entry.slice(eq + 1).trim() || dst === null) throw badEntry(entry, 'has an invalid target image after "="');
  const [sk, dk] = [kindOf(src), kindOf(dst)];
  if (sk === 'prefix' ? dk !== 'prefix' : dk === 'prefix' || (sk === 'image' && dk === 'tags')) {
    throw badEntry(
      entry,
      `maps a${sk === 'image' ? 'n image' : sk === 'tags' ? ' repository:*' : ' prefix/*'} to a${dk === 'image' ? 'n image' : dk === 'tags' ? ' repository:*' : ' prefix/*'}`,
    );
  }
  return [src, dst];
}

/** Parses `SRC=DST[,SRC=DST…]` into normalised SRC → normalised DST; "" gives an empty map. */
export function parseImageMap(spec: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [src, dst] = parseEntry(entry);
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

/** The map with every key and value normalised (maps built by hand need not be). */
function normalisedEntries(map: Record<string, string>): [string, string][] {
  return Object.entries(map).map(([s, d]) => [normalisePattern(s) ?? s, normalisePattern(d) ?? d]);
}

/**
 * The reference after the map, matched on normalised refs: an exact entry first, then `repo:*`, then the
 * longest matching `prefix/*`. Unmapped refs come back normalised.
 */
export function applyImageMap(ref: string, map: Record<string, string>): string {
  const key = normaliseImageRef(ref);
  const entries = normalisedEntries(map);
  const exact = entries.find(([src]) => src === key);
  if (exact) return exact[1];
  const { name, tag } = splitRef(key);
  const tags = tag !== undefined && !key.includes('@') ? entries.find(([src]) => src === `${name}:*`) : undefined;
  if (tags) return tags[1].endsWith(':*') ? `${tags[1].slice(0, -1)}${tag}` : tags[1];
  const prefix = entries.filter(([src]) => src.endsWith('/*') && key.startsWith(src.slice(0, -1))).sort((a, b) => b[0].length - a[0].length)[0];
  if (prefix) return normaliseImageRef(prefix[1].slice(0, -1) + key.slice(prefix[0].length - 1));
  return key;
}
