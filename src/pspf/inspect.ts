/** A JSON description of a package: index fields by their spec names, slot descriptors, metadata (`inspect --json`). */
import { asSource, sha256Range, type ByteSource } from './byte-source';
import { descriptorMode, type SlotDescriptor } from './descriptor';
import type { PspfLayout } from './reader';
import type { PspfMetadata } from './metadata-schema';
import { operationNames, operationsToString, unpackOperations } from './operations';

/** u64 values as JSON numbers when exact, else decimal strings (the vectors' convention). */
export function u64Json(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function hex64(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

export function describeIndex(layout: PspfLayout): Record<string, unknown> {
  const ix = layout.index;
  const zero = Object.fromEntries(Object.entries(ix.zeroAreas).map(([k, v]) => [`${k}_all_zero`, v]));
  return {
    ...ix.numbers,
    public_key: ix.publicKey.toString('hex'),
    metadata_checksum: ix.metadataChecksum.toString('hex'),
    integrity_signature: ix.signature.toString('hex'),
    ...zero,
    format_version_hex: `0x${ix.numbers.format_version.toString(16)}`,
    capabilities_hex: `0x${ix.numbers.capabilities.toString(16)}`,
  };
}

export function describeSlot(src: ByteSource, d: SlotDescriptor, i: number, metadata?: PspfMetadata): Record<string, unknown> {
  const ops = unpackOperations(d.operations);
  const digest = sha256Range(src, d.offset, d.size);
  const mode = descriptorMode(d);
  return {
    id: u64Json(d.id),
    name_hash: u64Json(d.name_hash),
    offset: d.offset,
    size: d.size,
    original_size: d.original_size,
    operations: u64Json(d.operations),
    checksum: u64Json(d.checksum),
    purpose: d.purpose,
    lifecycle: d.lifecycle,
    priority: d.priority,
    platform: d.platform,
    reserved1: d.reserved1,
    reserved2: d.reserved2,
    permissions: d.permissions,
    permissions_high: d.permissions_high,
    name_hash_hex: hex64(d.name_hash),
    checksum_hex: hex64(d.checksum),
    operations_hex: hex64(d.operations),
    operations_string: operationsToString(ops),
    operations_list: operationNames(ops),
    mode,
    mode_octal: `0o${mode.toString(8)}`,
    stored_sha256: digest.toString('hex'),
    checksum_ok: digest.readBigUInt64LE(0) === d.checksum,
    name: metadata?.slots[i]?.id ?? null,
  };
}

export function describePackage(from: Buffer | ByteSource, layout: PspfLayout, metadata?: PspfMetadata): Record<string, unknown> {
  const buf = asSource(from);
  return {
    file_size: buf.size,
    trailer: { offset: layout.trailerOffset, index_offset: layout.trailerOffset + 4 },
    index: describeIndex(layout),
    slots: layout.slots.map((d, i) => describeSlot(buf, d, i, metadata)),
    metadata: metadata ?? null,
  };
}
