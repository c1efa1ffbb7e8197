/** Everything of a package except slot bytes: metadata, layout, descriptors, signed index; shared by both writers. */
import { align, sha256 } from './bytes';
import {
  CAP_MMAP,
  CAP_PAGE_ALIGNED,
  CAP_SIGNED,
  DESCRIPTOR_SIZE,
  END_MAGIC,
  INDEX_DEFAULTS,
  PAGE_SIZE,
  PSPF_VERSION,
  START_MAGIC,
  TRAILER_SIZE,
} from './constants';
import { encodeDescriptor } from './descriptor';
import { gzipMetadata } from './gzip';
import { encodeIndex } from './index-block';
import { generateKey, keyFromSeed, signMetadata, type SigningKey } from './keys';
import { buildMetadata, serializeMetadata, type SlotEntry } from './metadata';
import { packOperations } from './operations';
import { lifecycleCode, parsePermissions, purposeCode } from './slot-codes';
import { assertPackageName } from './workenv-key';
import type { KeySpec, SlotInput, WritePackageOptions } from './writer';

/** What the layout needs to know about one slot's stored bytes. */
export interface SlotFacts {
  size: number;
  originalSize: number;
  ops: number[];
  digest: Buffer; // SHA-256 of the stored bytes
  statSize: number;
}

export interface PackagePlan {
  head: Buffer; // launcher, metadata gzip, padding, slot table
  offsets: number[]; // where each slot's stored bytes go (the gaps are zeros)
  trailer: Buffer; // start magic, index, end magic
  packageSize: number;
}

const DETERMINISTIC = { host: 'deterministic-build', timestamp: '2025-01-01T00:00:00+00:00' };

function resolveKey(spec: KeySpec | undefined): { key: SigningKey; deterministic: boolean } {
  if (spec && 'seed' in spec) return { key: keyFromSeed(spec.seed), deterministic: true };
  if (spec && 'key' in spec) return { key: spec.key, deterministic: false };
  return { key: generateKey(), deterministic: false };
}

function slotEntry(s: SlotInput, f: SlotFacts): SlotEntry {
  return {
    id: s.id,
    source: s.source ?? s.id,
    target: s.target ?? s.id,
    size: s.recordedSize ?? f.statSize,
    checksumHex: f.digest.toString('hex'),
    operations: s.operations ?? 'raw',
    purpose: s.purpose ?? 'data',
    lifecycle: s.lifecycle ?? 'runtime',
    permissions: s.permissions ?? null,
  };
}

function descriptor(s: SlotInput, f: SlotFacts, i: number, offset: number): Buffer {
  const mode = parsePermissions(s.permissions);
  return encodeDescriptor({
    id: BigInt(i),
    name_hash: sha256(Buffer.from(s.id, 'utf8')).readBigUInt64LE(0),
    offset,
    size: f.size,
    original_size: f.originalSize,
    operations: packOperations(f.ops),
    checksum: f.digest.readBigUInt64LE(0),
    purpose: purposeCode(s.purpose ?? 'data'),
    lifecycle: lifecycleCode(s.lifecycle ?? 'runtime'),
    priority: 1,
    platform: 0,
    reserved1: 0,
    reserved2: 0,
    permissions: mode & 0xff,
    permissions_high: (mode >> 8) & 0xff,
  });
}

/** Slot offsets: after the table, each on a 4096 boundary when page-aligned (a zero-size slot takes no space). */
function layout(tableEnd: number, facts: SlotFacts[], pageAligned: boolean): { offsets: number[]; end: number } {
  let cursor = tableEnd;
  const offsets = facts.map((f) => {
    if (pageAligned) cursor = align(cursor, PAGE_SIZE);
    const at = cursor;
    cursor += f.size;
    return at;
  });
  return { offsets, end: cursor };
}

export function planPackage(o: WritePackageOptions, facts: SlotFacts[]): PackagePlan {
  assertPackageName(o.metadata.package.name);
  const { key, deterministic } = resolveKey(o.keys);
  const build = deterministic ? { deterministic, ...DETERMINISTIC } : { deterministic, ...DETERMINISTIC, ...o.build };
  const launcher = Buffer.from(o.launcher);
  const json = serializeMetadata(
    buildMetadata(
      o.metadata,
      o.slots.map((s, i) => slotEntry(s, facts[i])),
      build,
      {
        size: launcher.length,
        sha256Hex: sha256(launcher).toString('hex'),
        toolVersion: o.launcherToolVersion ?? 'unknown',
      },
    ),
  );
  const metaGz = gzipMetadata(json);
  const pageAligned = o.pageAligned ?? true;
  const n = facts.length;
  const tableOffset = align(launcher.length + metaGz.length, 8);
  const { offsets, end } = layout(tableOffset + n * DESCRIPTOR_SIZE, facts, pageAligned);
  const head = Buffer.alloc(tableOffset + n * DESCRIPTOR_SIZE);
  launcher.copy(head, 0);
  metaGz.copy(head, launcher.length);
  facts.forEach((f, i) => descriptor(o.slots[i], f, i, offsets[i]).copy(head, tableOffset + i * DESCRIPTOR_SIZE));
  const packageSize = end + TRAILER_SIZE;
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
  return { head, offsets, trailer: Buffer.concat([START_MAGIC, index, END_MAGIC]), packageSize };
}
