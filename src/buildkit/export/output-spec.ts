/**
 * `--output`, `--cache-from` and `--cache-to` as buildx spells them (`type=…,key=value`), parsed and checked
 * before anything is built: an output path that cannot be written fails at once (exit 73).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../errors';
import { OutputError } from '../errors';

export type OutputType = 'docker' | 'oci' | 'image' | 'registry' | 'local' | 'tar';

export interface OutputSpec {
  type: OutputType;
  /** client-side file (docker/oci/tar) or directory (local); absent = stays in the daemon */
  dest?: string;
  attrs: Record<string, string>;
}

export interface CacheSpec {
  type: string;
  attrs: Record<string, string>;
}

const OUTPUT_TYPES: readonly OutputType[] = ['docker', 'oci', 'image', 'registry', 'local', 'tar'];

/** `k=v,k=v` with buildx's CSV quoting for values containing commas ("name=a,b" must be quoted). */
export function parseKeyValues(spec: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of splitCsv(spec)) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new UsageError('E_SPEC', `${flag} "${spec}": "${field}" is not key=value`, { hint: `e.g. ${flag} type=local,dest=out` });
    out[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1);
  }
  return out;
}

function splitCsv(spec: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of spec) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  fields.push(cur);
  return fields.filter((f) => f.trim() !== '');
}

/** A bare path (`-o out/`) means `type=local,dest=out/`, as in buildx; `-` is not supported. */
export function parseOutputSpec(spec: string): OutputSpec {
  if (!spec.includes('=')) return { type: 'local', dest: spec, attrs: {} };
  const kv = parseKeyValues(spec, '--output');
  const type = (kv.type ?? '') as OutputType;
  if (!OUTPUT_TYPES.includes(type)) {
    throw new UsageError('E_OUTPUT_TYPE', `--output "${spec}": unknown type "${kv.type ?? ''}"`, { hint: `use type=${OUTPUT_TYPES.join('|')}` });
  }
  const { type: _t, dest, ...attrs } = kv;
  if (type === 'registry') return { type: 'image', attrs: { ...attrs, push: 'true' } };
  if ((type === 'oci' || type === 'tar' || type === 'local') && !dest) {
    throw new UsageError('E_OUTPUT_DEST', `--output type=${type} needs dest=PATH`);
  }
  return { type, dest, attrs };
}

/** `--cache-from REF` is short for type=registry,ref=REF. */
export function parseCacheSpec(spec: string, flag: '--cache-from' | '--cache-to'): CacheSpec {
  if (!spec.includes('=')) return { type: 'registry', attrs: { ref: spec } };
  const { type, ...attrs } = parseKeyValues(spec, flag);
  if (!type) throw new UsageError('E_CACHE_SPEC', `${flag} "${spec}" needs type=…`, { hint: `e.g. ${flag} type=registry,ref=host/repo:cache` });
  return { type, attrs };
}

/** Fails with exit 73 when an output destination cannot be created or written; leaves nothing behind. */
export function checkOutputWritable(out: { type: OutputType | 'psp'; dest?: string }): void {
  if (!out.dest) return;
  const dest = path.resolve(out.dest);
  const isDir = out.type === 'local';
  const exists = fs.existsSync(dest);
  if (exists && fs.statSync(dest).isDirectory() !== isDir) {
    throw new OutputError('E_OUTPUT_KIND', `--output ${out.type}: ${out.dest} ${isDir ? 'is not a directory' : 'is a directory, not a file'}`);
  }
  // an existing file is replaced (a second build to the same dest): probe its directory, not the file
  const probe = exists ? (isDir ? dest : path.dirname(dest)) : nearestExistingParent(dest);
  if (!fs.statSync(probe).isDirectory() && probe !== dest) {
    throw new OutputError('E_OUTPUT_PATH', `--output ${out.type}: cannot create ${out.dest} (${probe} is a file)`);
  }
  try {
    // a real create/remove, not access(2): root passes access() on read-only or virtual file systems
    fs.rmdirSync(fs.mkdtempSync(path.join(probe, '.cogpack-probe-')));
    if (exists && !isDir) fs.accessSync(dest, fs.constants.W_OK);
  } catch {
    throw new OutputError('E_OUTPUT_PERM', `--output ${out.type}: ${out.dest} is not writable (${probe})`, { hint: 'choose a destination you can write to' });
  }
}

function nearestExistingParent(p: string): string {
  let cur = path.dirname(p);
  while (!fs.existsSync(cur)) cur = path.dirname(cur);
  return cur;
}
