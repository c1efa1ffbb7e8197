/** The 64-byte slot descriptor (`<QQQQQQQBBBBBBBB`): encoding and decoding. */
import { readSafeU64 } from './bytes';
import { DESCRIPTOR_SIZE } from './constants';

export interface SlotDescriptor {
  id: bigint;
  name_hash: bigint;
  offset: number;
  size: number;
  original_size: number;
  operations: bigint;
  checksum: bigint;
  purpose: number;
  lifecycle: number;
  priority: number;
  platform: number;
  reserved1: number;
  reserved2: number;
  permissions: number;
  permissions_high: number;
}

export function decodeDescriptor(raw: Buffer, index: number): SlotDescriptor {
  const at = `slot ${index}`;
  return {
    id: raw.readBigUInt64LE(0),
    name_hash: raw.readBigUInt64LE(8),
    offset: readSafeU64(raw, 16, `${at} offset`),
    size: readSafeU64(raw, 24, `${at} size`),
    original_size: readSafeU64(raw, 32, `${at} original_size`),
    operations: raw.readBigUInt64LE(40),
    checksum: raw.readBigUInt64LE(48),
    purpose: raw[56],
    lifecycle: raw[57],
    priority: raw[58],
    platform: raw[59],
    reserved1: raw[60],
    reserved2: raw[61],
    permissions: raw[62],
    permissions_high: raw[63],
  };
}

export function encodeDescriptor(d: SlotDescriptor): Buffer {
  const raw = Buffer.alloc(DESCRIPTOR_SIZE);
  raw.writeBigUInt64LE(d.id, 0);
  raw.writeBigUInt64LE(d.name_hash, 8);
  raw.writeBigUInt64LE(BigInt(d.offset), 16);
  raw.writeBigUInt64LE(BigInt(d.size), 24);
  raw.writeBigUInt64LE(BigInt(d.original_size), 32);
  raw.writeBigUInt64LE(d.operations, 40);
  raw.writeBigUInt64LE(d.checksum, 48);
  const tail = [d.purpose, d.lifecycle, d.priority, d.platform, d.reserved1, d.reserved2, d.permissions, d.permissions_high];
  tail.forEach((b, i) => raw.writeUInt8(b & 0xff, 56 + i));
  return raw;
}

/** The file mode a descriptor carries (low byte | high byte << 8). */
export function descriptorMode(d: SlotDescriptor): number {
  return d.permissions | (d.permissions_high << 8);
}
