/** Assembles the metadata JSON exactly as the reference writer does: key order, path rewriting, features. */
import { PspfError } from './errors';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** What the caller gives (the reference's `PSPFBuilder.metadata(**…)`). */
export interface MetadataInput {
  package: JsonObject; // name, version[, description]
  execution?: JsonObject;
  runtime?: JsonObject;
  workenv?: JsonObject;
  setup_commands?: Json[];
  cache_validation?: JsonObject;
  verification?: JsonObject; // only trust_signatures is carried over
}

export interface SlotEntry {
  id: string;
  source: string;
  target: string;
  size: number;
  checksumHex: string;
  operations: string;
  purpose: string;
  lifecycle: string;
  permissions: string | null;
}

export interface BuildInfo {
  deterministic: boolean;
  host: string;
  timestamp: string;
}

export interface LauncherInfo {
  size: number;
  sha256Hex: string;
  toolVersion: string;
}

const PATH_KEYS = new Set(['command', 'check_file', 'path', 'source', 'target', 'destination', 'executable', 'script']);

/** The reference's path rule: relative values are placed under `{workenv}/`, then `//` collapses. */
export function rewritePath(v: string): string {
  if (v === '' || /^\{[^/]*\}$/.test(v) || v.startsWith('/')) return v;
  let r: string;
  if (v.startsWith('{workenv}')) r = v;
  else if (v.startsWith('workenv/')) r = `{workenv}/${v.slice('workenv/'.length)}`;
  else if (v === '.' || v === './') r = '{workenv}';
  else if (v.startsWith('./')) r = `{workenv}/${v.slice(2)}`;
  else r = `{workenv}/${v}`;
  while (r.includes('//')) r = r.replace(/\/\//g, '/');
  return r === '{workenv}/' ? '{workenv}' : r;
}

/** Walks objects and lists, rewriting string values of path keys (including inside lists and nested dicts). */
function rewriteTree(node: Json, key?: string): Json {
  if (typeof node === 'string') return key !== undefined && PATH_KEYS.has(key) ? rewritePath(node) : node;
  if (Array.isArray(node)) return node.map((x) => rewriteTree(x, key));
  if (node && typeof node === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) out[k] = rewriteTree(v, k);
    return out;
  }
  return node;
}

function features(m: MetadataInput): string[] {
  const f: string[] = [];
  if (m.workenv && m.workenv.directories !== undefined) f.push('workenv_dirs');
  if (m.runtime && m.runtime.env !== undefined) f.push('runtime_env');
  if (m.setup_commands && m.setup_commands.length > 0) f.push('setup_commands');
  if (m.cache_validation !== undefined) f.push('cache_validation');
  return f;
}

function slotJson(s: SlotEntry, i: number): JsonObject {
  return {
    slot: i,
    id: s.id,
    source: s.source,
    target: s.target,
    size: s.size,
    checksum: `sha256:${s.checksumHex}`,
    operations: s.operations,
    purpose: s.purpose,
    lifecycle: s.lifecycle,
    permissions: s.permissions,
  };
}

/** The full document, in the reference's key order, with paths rewritten (workenv.directories stay verbatim). */
export function buildMetadata(m: MetadataInput, slots: SlotEntry[], build: BuildInfo, launcher: LauncherInfo): JsonObject {
  const verification: JsonObject = { integrity_seal: { required: true, algorithm: 'ed25519' }, signed: true, require_verification: true };
  if (m.verification?.trust_signatures !== undefined) verification.trust_signatures = m.verification.trust_signatures;
  const doc: JsonObject = {
    format: 'PSPF/2025',
    format_version: '1.0.0',
    package: m.package,
    slots: slots.map(slotJson),
    execution: m.execution ?? {},
    verification,
    build: {
      tool: 'flavor-python',
      tool_version: '0.3.0',
      deterministic: build.deterministic,
      platform: { os: 'linux', arch: 'amd64', host: build.host },
      timestamp: build.timestamp,
    },
    launcher: {
      tool: 'launcher',
      tool_version: launcher.toolVersion,
      size: launcher.size,
      checksum: `sha256:sha256:${launcher.sha256Hex}`, // the reference's doubled prefix, kept for byte identity
      capabilities: ['mmap', 'async', 'sandbox'],
    },
    compatibility: { min_format_version: '1.0.0', features: features(m) },
  };
  if (m.cache_validation !== undefined) doc.cache_validation = m.cache_validation;
  if (m.setup_commands !== undefined) doc.setup_commands = m.setup_commands;
  if (m.runtime !== undefined) doc.runtime = m.runtime;
  const rewritten = rewriteTree(doc) as JsonObject;
  if (m.workenv !== undefined) rewritten.workenv = workenvSection(m.workenv);
  return rewritten;
}

function workenvSection(w: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (w.directories !== undefined) out.directories = w.directories;
  if (w.env !== undefined) out.env = rewriteTree(w.env, 'env');
  return out;
}

/** `json.dumps(ensure_ascii=False, indent=2)` bytes; JS orders integer-like keys first, so those are refused. */
export function serializeMetadata(doc: JsonObject): Buffer {
  assertNoIntegerKeys(doc, '');
  return Buffer.from(JSON.stringify(doc, null, 2), 'utf8');
}

function assertNoIntegerKeys(node: Json, where: string): void {
  if (Array.isArray(node)) return node.forEach((x, i) => assertNoIntegerKeys(x, `${where}[${i}]`));
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (/^(0|[1-9][0-9]*)$/.test(k)) {
      throw new PspfError('E_PSPF_METADATA_KEY', `metadata key "${where}.${k}" is integer-like; its JSON order would differ from the reference`);
    }
    assertNoIntegerKeys(v, `${where}.${k}`);
  }
}
