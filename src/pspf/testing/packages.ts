/** Test support: small packages made with the real writer, and byte-level edits that keep the index consistent. */
import { TRAILER_SIZE } from '../constants';
import { fixChecksums } from '../fuzz';
import type { SlotInput, WritePackageOptions } from '../writer';
import { writePackage } from '../writer';

export const LAUNCHER = Buffer.from('#!/bin/sh\necho test-launcher\n');

export function options(slots: SlotInput[], extra: Partial<WritePackageOptions> = {}): WritePackageOptions {
  return {
    launcher: LAUNCHER,
    metadata: { package: { name: 'test', version: '1.0.0' }, execution: { primary_slot: 0, command: '{workenv}/bin/app' } },
    slots,
    keys: { seed: 'test' },
    ...extra,
  };
}

export function pkg(slots: SlotInput[], extra: Partial<WritePackageOptions> = {}): Buffer {
  return writePackage(options(slots, extra));
}

export const bytesSlot = (id: string, data: Buffer | string, operations = 'raw'): SlotInput => ({
  id,
  content: { kind: 'bytes', data: Buffer.from(data) },
  operations,
});

/** Absolute offset of an index field (index offset + field offset). */
export function indexAt(buf: Buffer, field: number): number {
  return buf.length - TRAILER_SIZE + 4 + field;
}

/** Absolute offset of a descriptor field of slot i. */
export function descriptorAt(buf: Buffer, i: number, field: number): number {
  return Number(buf.readBigUInt64LE(indexAt(buf, 40))) + 64 * i + field;
}

/** Writes a u64 and re-fixes the index (and metadata) checksums so the edit reaches the deeper checks. */
export function setU64(buf: Buffer, at: number, v: bigint): Buffer {
  const b = Buffer.from(buf);
  b.writeBigUInt64LE(v, at);
  fixChecksums(b);
  return b;
}
