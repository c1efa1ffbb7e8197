/** Writes a complete PSPF/2025 package: launcher, metadata gzip, slot table, slot data, trailer; signs the metadata. */
import { sha256 } from './bytes';
import { PspfError } from './errors';
import { assertPackageName } from './workenv-key';
import type { Deflater } from './gzip';
import type { SigningKey } from './keys';
import type { MetadataInput } from './metadata';
import { planPackage } from './package-plan';
import { prepareSlot, type PreparedSlot, type SlotContent } from './slot-source';

export interface SlotInput {
  id: string;
  content: SlotContent;
  /** The source as recorded in metadata (rewritten to `{workenv}/…`); defaults to the id. */
  source?: string;
  operations?: string; // default "raw"
  purpose?: string; // default "data"
  lifecycle?: string; // default "runtime"
  target?: string; // default: the id
  permissions?: string | null;
  /** Metadata `size` override (the reference records the source's st_size, which varies by filesystem). */
  recordedSize?: number;
}

export type KeySpec = { seed: string } | { key: SigningKey } | { ephemeral: true };

export interface WritePackageOptions {
  launcher: Uint8Array;
  metadata: MetadataInput;
  slots: SlotInput[];
  /** Seeded → `build.deterministic: true` with the reference's fixed host/timestamp. Default: an ephemeral key. */
  keys?: KeySpec;
  pageAligned?: boolean; // default true (4096)
  compressionLevel?: number; // 1–9, default 6
  /** Slot gzip header mtime. The reference uses the clock; we default to 0 so output is reproducible. */
  gzipMtime?: number;
  /** For unseeded builds (the reference writes the hostname and the current time; we never read the clock). */
  build?: { host?: string; timestamp?: string };
  launcherToolVersion?: string; // default "unknown"
  /** Slot deflate: `reference` (default, pako: reference-identical bytes) or `native` (Node zlib, faster). */
  deflater?: Deflater;
}

/** Checks what the writer cannot recover from later; returns the compression level. */
export function checkOptions(o: WritePackageOptions): number {
  const level = o.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new PspfError('E_PSPF_OPTION', `compression level ${level} is not 1–9`);
  const ids = new Set<string>();
  for (const s of o.slots) {
    if (!s.id) throw new PspfError('E_PSPF_OPTION', 'a slot needs an id');
    if (ids.has(s.id)) throw new PspfError('E_PSPF_OPTION', `slot id "${s.id}" is used twice`);
    ids.add(s.id);
  }
  if (!o.metadata.package || typeof o.metadata.package.name !== 'string' || typeof o.metadata.package.version !== 'string') {
    throw new PspfError('E_PSPF_OPTION', 'package.name and package.version are required');
  }
  assertPackageName(o.metadata.package.name); // before any slot is read: such a package could never run
  return level;
}

/** Builds the whole package in memory and returns its bytes. Same options (and key) → same bytes. */
export function writePackage(o: WritePackageOptions): Buffer {
  const level = checkOptions(o);
  const prepared = o.slots.map((s) => prepareSlot(s.content, s.operations ?? 'raw', level, o.gzipMtime ?? 0, `slot "${s.id}"`, o.deflater));
  return writePrepared(o, prepared);
}

/**
 * Lays out and signs a package whose slot bytes are already prepared (stored bytes, original size, ops).
 * writePackage's second half; also how tests and the fuzzer build packages with arbitrary slot contents.
 */
export function writePrepared(o: WritePackageOptions, prepared: PreparedSlot[]): Buffer {
  const plan = planPackage(
    o,
    prepared.map((p) => ({ size: p.stored.length, originalSize: p.originalSize, ops: p.ops, digest: sha256(p.stored), statSize: p.statSize })),
  );
  const out = Buffer.alloc(plan.packageSize);
  plan.head.copy(out, 0);
  prepared.forEach((p, i) => p.stored.copy(out, plan.offsets[i]));
  plan.trailer.copy(out, plan.packageSize - plan.trailer.length);
  return out;
}
