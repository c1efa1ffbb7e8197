/**
 * The strict reader: locates the trailer, bounds-checks every region with exact integer arithmetic, checks
 * the index Adler-32, package size and metadata SHA-256, and decodes slots with sizes capped at what they declare.
 */
import { constants as bufferConstants } from 'node:buffer';
import { asSource, sha256Range, type ByteSource } from './byte-source';
import { checkedAdd, within } from './bytes';
import { DESCRIPTOR_SIZE, END_MAGIC, INDEX_SIZE, MAX_METADATA_JSON, MAX_SLOTS, PSPF_VERSION, START_MAGIC, TRAILER_SIZE } from './constants';
import { decodeDescriptor, type SlotDescriptor } from './descriptor';
import { PspfError, ensure } from './errors';
import { gunzipBounded } from './gzip';
import { descriptorProblems } from './slot-checks';
import { decodeSlot } from './slot-contents';
import { decodeIndex, type IndexBlock } from './index-block';
import { parseMetadata, type PspfMetadata } from './metadata-schema';
import { assertSupported, unpackOperations } from './operations';

const MAX_LENGTH = bufferConstants.MAX_LENGTH;

export interface PspfLayout {
  fileSize: number;
  trailerOffset: number;
  index: IndexBlock;
  slots: SlotDescriptor[];
}

export interface PspfPackage extends PspfLayout {
  metadataJson: Buffer;
  metadata: PspfMetadata;
}

/** Trailer, index and slot table, with every region proven to lie inside the file before anything uses it. */
export function parseLayout(from: Buffer | ByteSource): PspfLayout {
  const src = asSource(from);
  const fileSize = src.size;
  ensure(fileSize >= TRAILER_SIZE, 'E_PSPF_TRUNCATED', `file is ${fileSize} bytes, smaller than the ${TRAILER_SIZE}-byte trailer`);
  const trailerOffset = fileSize - TRAILER_SIZE;
  const trailer = src.read(trailerOffset, TRAILER_SIZE);
  ensure(trailer.subarray(0, 4).equals(START_MAGIC), 'E_PSPF_MAGIC', 'start magic (📦) not found at EOF−8200: not a PSPF package');
  ensure(trailer.subarray(TRAILER_SIZE - 4).equals(END_MAGIC), 'E_PSPF_MAGIC', 'end magic (🪄) not found at EOF−4: not a PSPF package');
  const index = decodeIndex(trailer.subarray(4, 4 + INDEX_SIZE));
  const n = index.numbers;
  ensure(n.format_version === PSPF_VERSION, 'E_PSPF_VERSION', `format_version 0x${n.format_version.toString(16)} is not PSPF/2025 (0x20250001)`);
  ensure(n.launcher_size <= trailerOffset, 'E_PSPF_BOUNDS', `launcher_size ${n.launcher_size} runs past the trailer`);
  ensure(
    n.metadata_size > 0 && within(n.metadata_offset, n.metadata_size, n.launcher_size, trailerOffset),
    'E_PSPF_BOUNDS',
    `metadata (${n.metadata_offset}+${n.metadata_size}) is not between the launcher and the trailer`,
  );
  const metaEnd = checkedAdd(n.metadata_offset, n.metadata_size, 'metadata end');
  ensure(n.metadata_size <= MAX_METADATA_JSON, 'E_PSPF_BOUNDS', `metadata_size ${n.metadata_size} is more than ${MAX_METADATA_JSON} bytes`);
  ensure(n.slot_count <= Math.floor(trailerOffset / DESCRIPTOR_SIZE), 'E_PSPF_BOUNDS', `slot_count ${n.slot_count} cannot fit in the file`);
  ensure(n.slot_count <= MAX_SLOTS, 'E_PSPF_BOUNDS', `slot_count ${n.slot_count} is more than ${MAX_SLOTS}`);
  ensure(n.slot_table_size === n.slot_count * DESCRIPTOR_SIZE, 'E_PSPF_BOUNDS', `slot_table_size ${n.slot_table_size} is not slot_count × 64`);
  const slots: SlotDescriptor[] = [];
  if (n.slot_count === 0) return { fileSize, trailerOffset, index, slots };
  ensure(
    within(n.slot_table_offset, n.slot_table_size, metaEnd, trailerOffset),
    'E_PSPF_BOUNDS',
    `slot table (${n.slot_table_offset}+${n.slot_table_size}) is not between the metadata and the trailer`,
  );
  const tableEnd = n.slot_table_offset + n.slot_table_size;
  const table = src.read(n.slot_table_offset, n.slot_table_size);
  for (let i = 0; i < n.slot_count; i++) {
    const d = decodeDescriptor(table.subarray(i * DESCRIPTOR_SIZE, (i + 1) * DESCRIPTOR_SIZE), i);
    ensure(
      within(d.offset, d.size, tableEnd, trailerOffset),
      'E_PSPF_BOUNDS',
      `slot ${i} data (${d.offset}+${d.size}) is not between the slot table and the trailer`,
    );
    slots.push(d);
  }
  return { fileSize, trailerOffset, index, slots };
}

export function metadataBytes(from: Buffer | ByteSource, layout: PspfLayout): Buffer {
  const n = layout.index.numbers;
  return asSource(from).read(n.metadata_offset, n.metadata_size);
}

/** Decodes the metadata gzip (capped) and checks its shape and that it lists exactly the table's slots. */
export function decodeMetadata(from: Buffer | ByteSource, layout: PspfLayout): { json: Buffer; metadata: PspfMetadata } {
  const json = gunzipBounded(metadataBytes(from, layout), MAX_METADATA_JSON, 'metadata');
  const metadata = parseMetadata(json);
  ensure(
    metadata.slots.length === layout.slots.length,
    'E_PSPF_METADATA',
    `metadata lists ${metadata.slots.length} slots but the slot table has ${layout.slots.length}`,
  );
  ensure(
    metadata.execution.primary_slot < Math.max(1, layout.slots.length),
    'E_PSPF_METADATA',
    `execution.primary_slot ${metadata.execution.primary_slot} names no slot`,
  );
  return { json, metadata };
}

/** Parses and checks everything except slot data and the signature (see verifyPackage for those). */
export function readPackage(from: Buffer | ByteSource): PspfPackage {
  const src = asSource(from);
  const layout = parseLayout(src);
  const n = layout.index.numbers;
  ensure(
    layout.index.computedChecksum === n.index_checksum,
    'E_PSPF_INDEX_CHECKSUM',
    `index checksum mismatch: stored ${hex32(n.index_checksum)}, computed ${hex32(layout.index.computedChecksum)}`,
  );
  ensure(n.package_size === src.size, 'E_PSPF_PACKAGE_SIZE', `package_size ${n.package_size} differs from the file size ${src.size}`);
  ensure(sha256Range(src, n.metadata_offset, n.metadata_size).equals(layout.index.metadataChecksum), 'E_PSPF_METADATA_CHECKSUM', 'metadata SHA-256 mismatch');
  const { json, metadata } = decodeMetadata(src, layout);
  return { ...layout, metadataJson: json, metadata };
}

export function slotBytes(from: Buffer | ByteSource, d: SlotDescriptor): Buffer {
  return asSource(from).read(d.offset, d.size);
}

/** True when both the descriptor's u64 checksum and the (signed) metadata `sha256:` string match the bytes. */
export function slotChecksumOk(from: Buffer | ByteSource, pkg: PspfLayout, metadata: PspfMetadata | undefined, i: number): boolean {
  const d = pkg.slots[i];
  const digest = sha256Range(asSource(from), d.offset, d.size);
  if (digest.readBigUInt64LE(0) !== pkg.slots[i].checksum) return false;
  return metadata === undefined || metadata.slots[i].checksum === `sha256:${digest.toString('hex')}`;
}

export interface ReadSlotOptions {
  /** Upper bound for any decoded slot, whatever it declares (default: the largest Buffer). */
  maxSize?: number;
}

/**
 * Checked, decoded slot bytes: checksum (descriptor and signed metadata), the descriptor checks of slot-checks.ts,
 * gzip undone with output capped at the declared size (tar chains return the tar). Supported chains: raw, gzip,
 * tar, tar.gz (the launcher's); others fail with E_PSPF_UNSUPPORTED_OP.
 */
export function readSlot(from: Buffer | ByteSource, pkg: PspfPackage, i: number, opts: ReadSlotOptions = {}): Buffer {
  const buf = asSource(from);
  ensure(Number.isInteger(i) && i >= 0 && i < pkg.slots.length, 'E_PSPF_SLOT_INDEX', `no slot ${i} (the package has ${pkg.slots.length})`);
  const d = pkg.slots[i];
  const meta = pkg.metadata.slots[i];
  ensure(slotChecksumOk(buf, pkg, pkg.metadata, i), 'E_PSPF_SLOT_CHECKSUM', `slot ${i} checksum mismatch`);
  const ops = unpackOperations(d.operations);
  assertSupported(ops, `slot ${i}`);
  const problem = descriptorProblems(d, meta, i)[0];
  if (problem) throw new PspfError(problem.code, problem.message);
  return decodeSlot(buf, d, i, meta.target, { collect: true, maxSize: opts.maxSize ?? MAX_LENGTH })!;
}

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
