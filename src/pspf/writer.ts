/** Writes a complete PSPF/2025 package: launcher, metadata gzip, slot table, slot data, trailer; signs the metadata. */
import { align, sha256, sha256U64 } from './bytes';
import { CAP_MMAP, CAP_PAGE_ALIGNED, CAP_SIGNED, DESCRIPTOR_SIZE, END_MAGIC, INDEX_DEFAULTS, PAGE_SIZE, PSPF_VERSION, START_MAGIC, TRAILER_SIZE } from './constants';
import { encodeDescriptor } from './descriptor';
import { PspfError } from './errors';
import { gzipMetadata, type Deflater } from './gzip';
import { encodeIndex } from './index-block';
import { generateKey, keyFromSeed, signMetadata, type SigningKey } from './keys';
import { buildMetadata, serializeMetadata, type MetadataInput, type SlotEntry } from './metadata';
import { packOperations } from './operations';
import { lifecycleCode, parsePermissions, purposeCode } from './slot-codes';
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

const DETERMINISTIC = { host: 'deterministic-build', timestamp: '2025-01-01T00:00:00+00:00' };

function resolveKey(spec: KeySpec | undefined): { key: SigningKey; deterministic: boolean } {
  if (spec && 'seed' in spec) return { key: keyFromSeed(spec.seed), deterministic: true };
  if (spec && 'key' in spec) return { key: spec.key, deterministic: false };
  return { key: generateKey(), deterministic: false };
}

function checkOptions(o: WritePackageOptions): number {
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
  return level;
}

function slotEntry(s: SlotInput, p: PreparedSlot): SlotEntry {
  return {
    id: s.id,
    source: s.source ?? s.id,
    target: s.target ?? s.id,
    size: s.recordedSize ?? p.statSize,
    checksumHex: sha256(p.stored).toString('hex'),
    operations: s.operations ?? 'raw',
    purpose: s.purpose ?? 'data',
    lifecycle: s.lifecycle ?? 'runtime',
    permissions: s.permissions ?? null,
  };
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
  const { key, deterministic } = resolveKey(o.keys);
  const build = deterministic ? { deterministic, ...DETERMINISTIC } : { deterministic, ...DETERMINISTIC, ...o.build };
  const launcher = Buffer.from(o.launcher);
  const doc = buildMetadata(o.metadata, o.slots.map((s, i) => slotEntry(s, prepared[i])), build, {
    size: launcher.length,
    sha256Hex: sha256(launcher).toString('hex'),
    toolVersion: o.launcherToolVersion ?? 'unknown',
  });
  const json = serializeMetadata(doc);
  return assemble(launcher, gzipMetadata(json), o.slots, prepared, o.pageAligned ?? true, key, json);
}

function assemble(launcher: Buffer, metaGz: Buffer, slots: SlotInput[], prepared: PreparedSlot[], pageAligned: boolean, key: SigningKey, json: Buffer): Buffer {
  const n = slots.length;
  const metaEnd = launcher.length + metaGz.length;
  const tableOffset = align(metaEnd, 8);
  let cursor = tableOffset + n * DESCRIPTOR_SIZE;
  const offsets = prepared.map((p) => {
    if (pageAligned) cursor = align(cursor, PAGE_SIZE);
    const at = cursor;
    cursor += p.stored.length;
    return at;
  });
  const packageSize = cursor + TRAILER_SIZE;
  const out = Buffer.alloc(packageSize);
  launcher.copy(out, 0);
  metaGz.copy(out, launcher.length);
  prepared.forEach((p, i) => {
    encodeDescriptor({
      id: BigInt(i),
      name_hash: sha256U64(Buffer.from(slots[i].id, 'utf8')),
      offset: offsets[i],
      size: p.stored.length,
      original_size: p.originalSize,
      operations: packOperations(p.ops),
      checksum: sha256U64(p.stored),
      purpose: purposeCode(slots[i].purpose ?? 'data'),
      lifecycle: lifecycleCode(slots[i].lifecycle ?? 'runtime'),
      priority: 1,
      platform: 0,
      reserved1: 0,
      reserved2: 0,
      ...permissionBytes(slots[i].permissions),
    }).copy(out, tableOffset + i * DESCRIPTOR_SIZE);
    p.stored.copy(out, offsets[i]);
  });
  const index = encodeIndex(
    {
      format_version: PSPF_VERSION,
      package_size: packageSize,
      launcher_size: launcher.length,
      metadata_offset: launcher.length,
      metadata_size: metaGz.length,
      slot_table_offset: n > 0 ? tableOffset : 0,
      slot_table_size: n * DESCRIPTOR_SIZE,
      slot_count: n,
      ...INDEX_DEFAULTS,
      capabilities: CAP_MMAP | CAP_SIGNED | (pageAligned ? CAP_PAGE_ALIGNED : 0),
    },
    key.publicKeyRaw,
    sha256(metaGz),
    signMetadata(json, key),
  );
  START_MAGIC.copy(out, cursor);
  index.copy(out, cursor + 4);
  END_MAGIC.copy(out, cursor + 4 + index.length);
  return out;
}

function permissionBytes(perm: string | null | undefined): { permissions: number; permissions_high: number } {
  const mode = parsePermissions(perm);
  return { permissions: mode & 0xff, permissions_high: (mode >> 8) & 0xff };
}
