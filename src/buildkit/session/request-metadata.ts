/**
 * What the daemon asks for in a FileSync request's metadata (dir-name, include/exclude patterns,
 * followpaths) and the walk options that follow from it.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ContextDir } from './file-sync';
import type { WalkOptions } from '../../fsutil/walk';

/**
 * Node's http2 joins a header field that arrives more than once into one string with ", " (RFC 7230
 * §3.2.2), and grpc-js hands that string on as a single value; the raw fields are not reachable.
 */
const JOINED_FIELD_SEPARATOR = ', ';

/**
 * gRPC metadata values for a multi-valued `key` (include-patterns, exclude-patterns, followpaths).
 * The joined string is split BEFORE URL-decoding: when the daemon marks `<key>-encoded: 1` every value
 * is query-escaped (',' → %2C, ' ' → '+'), so the separator cannot occur inside one. Unencoded values
 * are plain ASCII (Go only escapes when some value has a non-ASCII rune), and there a value holding
 * ", " is ambiguous: adjacent pieces are rejoined when together they spell one of `known` (the
 * context's own patterns, which are what our LLB asked the daemon to send). A bare ',' never splits.
 */
export function metadataValues(md: grpc.Metadata, key: string, known: readonly string[] = []): string[] {
  if (isEncoded(md, key))
    return md
      .get(key)
      .flatMap((v) => String(v).split(JOINED_FIELD_SEPARATOR))
      .map(queryUnescape);
  return md.get(key).flatMap((v) => rejoinKnown(String(v).split(JOINED_FIELD_SEPARATOR), new Set(known)));
}

/** Greedy, longest first: pieces i..j become one value when their join is a known pattern. */
function rejoinKnown(pieces: string[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < pieces.length;) {
    let j = pieces.length;
    while (j > i + 1 && !known.has(pieces.slice(i, j).join(JOINED_FIELD_SEPARATOR))) j--;
    out.push(pieces.slice(i, j).join(JOINED_FIELD_SEPARATOR));
    i = j;
  }
  return out;
}

/** A single-valued key (dir-name): URL-decoded when marked, never split. */
export function metadataValue(md: grpc.Metadata, key: string): string | undefined {
  const value = md.get(key).map(String)[0];
  return value !== undefined && isEncoded(md, key) ? queryUnescape(value) : value;
}

function isEncoded(md: grpc.Metadata, key: string): boolean {
  return md.get(`${key}-encoded`).map(String)[0] === '1';
}

/** Go's url.QueryUnescape; a malformed escape leaves the value as sent rather than failing the call. */
function queryUnescape(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

/** The walk options for one request: the context's own patterns first, then the daemon's (last match wins). */
export function walkOptionsFor(ctx: ContextDir, md: grpc.Metadata): WalkOptions {
  const include = metadataValues(md, 'include-patterns', ctx.include);
  return {
    include: include.length > 0 ? include : ctx.include,
    exclude: [...ctx.exclude, ...metadataValues(md, 'exclude-patterns', ctx.exclude)],
    followPaths: metadataValues(md, 'followpaths'),
  };
}
