/** The 8192-byte index block: field layout (Python/Rust offsets), encoding, decoding and its Adler-32. */
import { adler32, isAllZero, readSafeU64 } from './bytes';
import { INDEX_SIZE } from './constants';

type FieldType = 'u8' | 'u32' | 'u64';
/** Numeric fields by their spec names, in file order. */
const NUMERIC: Array<[string, number, FieldType]> = [
  ['format_version', 0, 'u32'],
  ['index_checksum', 4, 'u32'],
  ['package_size', 8, 'u64'],
  ['launcher_size', 16, 'u64'],
  ['metadata_offset', 24, 'u64'],
  ['metadata_size', 32, 'u64'],
  ['slot_table_offset', 40, 'u64'],
  ['slot_table_size', 48, 'u64'],
  ['slot_count', 56, 'u32'],
  ['flags', 60, 'u32'],
  ['access_mode', 640, 'u8'],
  ['cache_strategy', 641, 'u8'],
  ['reserved_hint1', 642, 'u8'],
  ['reserved_hint2', 643, 'u8'],
  ['page_size', 644, 'u32'],
  ['max_memory', 648, 'u64'],
  ['min_memory', 656, 'u64'],
  ['cpu_features', 664, 'u64'],
  ['gpu_requirements', 672, 'u64'],
  ['numa_hints', 680, 'u64'],
  ['stream_chunk_size', 688, 'u32'],
  ['build_timestamp', 704, 'u64'],
  ['capabilities', 832, 'u64'],
  ['requirements', 840, 'u64'],
  ['extensions', 848, 'u64'],
  ['compatibility', 856, 'u32'],
  ['protocol_version', 860, 'u32'],
];
/** Byte areas the reference leaves zero; a reader reports whether they are. */
const ZERO_AREAS: Array<[string, number, number]> = [
  ['integrity_signature_tail', 192, 640],
  ['padding_692', 692, 704],
  ['build_machine', 712, 744],
  ['source_hash', 744, 776],
  ['dependency_hash', 776, 808],
  ['license_id', 808, 824],
  ['provenance_uri', 824, 832],
  ['future_crypto', 864, 1376],
  ['reserved', 1376, 8192],
];

export type IndexNumbers = Record<string, number>;
export interface IndexBlock {
  numbers: IndexNumbers;
  publicKey: Buffer; // [64:96]
  metadataChecksum: Buffer; // [96:128]
  signature: Buffer; // [128:192]
  zeroAreas: Record<string, boolean>;
  computedChecksum: number;
}

export function decodeIndex(raw: Buffer): IndexBlock {
  const numbers: IndexNumbers = {};
  for (const [name, off, type] of NUMERIC) {
    numbers[name] = type === 'u8' ? raw.readUInt8(off) : type === 'u32' ? raw.readUInt32LE(off) : readSafeU64(raw, off, name);
  }
  const zeroAreas: Record<string, boolean> = {};
  for (const [name, a, b] of ZERO_AREAS) zeroAreas[name] = isAllZero(raw.subarray(a, b));
  return {
    numbers,
    publicKey: Buffer.from(raw.subarray(64, 96)),
    metadataChecksum: Buffer.from(raw.subarray(96, 128)),
    signature: Buffer.from(raw.subarray(128, 192)),
    zeroAreas,
    computedChecksum: indexChecksum(raw),
  };
}

/** Adler-32 of the index with its own checksum field [4:8] taken as zero. */
export function indexChecksum(raw: Buffer): number {
  const copy = Buffer.from(raw);
  copy.fill(0, 4, 8);
  return adler32(copy);
}

/** Writes the numeric fields, keys and signature, then the checksum over the result. */
export function encodeIndex(numbers: IndexNumbers, publicKey: Buffer, metadataChecksum: Buffer, signature: Buffer): Buffer {
  const raw = Buffer.alloc(INDEX_SIZE);
  for (const [name, off, type] of NUMERIC) {
    const v = numbers[name] ?? 0;
    if (type === 'u8') raw.writeUInt8(v, off);
    else if (type === 'u32') raw.writeUInt32LE(v >>> 0, off);
    else raw.writeBigUInt64LE(BigInt(v), off);
  }
  publicKey.copy(raw, 64);
  metadataChecksum.copy(raw, 96);
  signature.copy(raw, 128);
  raw.writeUInt32LE(indexChecksum(raw), 4);
  return raw;
}
