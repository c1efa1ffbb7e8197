/** Operation chains: the packed u64 of up to 8 op bytes, the names the reference accepts, and what we can undo. */
import { PspfError } from './errors';

export const OP = { NONE: 0x00, TAR: 0x01, GZIP: 0x10, BZIP2: 0x13, XZ: 0x16, ZSTD: 0x1b } as const;
const OP_NAMES: Record<number, string> = { 0x01: 'TAR', 0x10: 'GZIP', 0x13: 'BZIP2', 0x16: 'XZ', 0x1b: 'ZSTD' };
const SINGLE: Record<string, number[]> = {
  tar: [OP.TAR],
  gzip: [OP.GZIP],
  bzip2: [OP.BZIP2],
  xz: [OP.XZ],
  zstd: [OP.ZSTD],
};
const CHAINS: Record<string, number[]> = {
  'tar.gz': [OP.TAR, OP.GZIP],
  tgz: [OP.TAR, OP.GZIP],
  'tar.bz2': [OP.TAR, OP.BZIP2],
  tbz2: [OP.TAR, OP.BZIP2],
  'tar.xz': [OP.TAR, OP.XZ],
  txz: [OP.TAR, OP.XZ],
  'tar.zst': [OP.TAR, OP.ZSTD],
};
const CANONICAL: Array<[string, number[]]> = [
  ['tar.gz', [OP.TAR, OP.GZIP]],
  ['tar.bz2', [OP.TAR, OP.BZIP2]],
  ['tar.xz', [OP.TAR, OP.XZ]],
  ['tar.zst', [OP.TAR, OP.ZSTD]],
];

/** Parses `raw`, `tar.gz`, `gzip`, `tar|gzip`… (case-insensitive) into the op list, like the reference. */
export function parseOperations(text: string): number[] {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'raw' || t === 'none') return [];
  if (CHAINS[t]) return [...CHAINS[t]];
  const ops = t.split('|').map((part) => {
    const op = SINGLE[part.trim()];
    if (!op)
      throw new PspfError('E_PSPF_OPERATION', `unknown operation "${part.trim()}" in "${text}"`, {
        hint: 'use raw, gzip, tar, tar.gz or a pipe list such as tar|gzip',
      });
    return op[0];
  });
  if (ops.length > 8) throw new PspfError('E_PSPF_OPERATION', `more than 8 operations in "${text}"`);
  return ops;
}

/** Packs ops into the descriptor u64: op 1 in the low byte. */
export function packOperations(ops: number[]): bigint {
  return ops.reduce((acc, op, i) => acc | (BigInt(op) << BigInt(8 * i)), 0n);
}

/** Unpacks the u64 until the first zero byte. */
export function unpackOperations(packed: bigint): number[] {
  const ops: number[] = [];
  for (let i = 0; i < 8; i++) {
    const op = Number((packed >> BigInt(8 * i)) & 0xffn);
    if (op === 0) break;
    ops.push(op);
  }
  return ops;
}

/** The reference's `operations_to_string`: canonical chain name, else lowercase pipe list. */
export function operationsToString(ops: number[]): string {
  if (ops.length === 0) return 'raw';
  for (const [name, chain] of CANONICAL) if (sameOps(chain, ops)) return name;
  return ops.map((op) => (OP_NAMES[op] ?? `unknown_${op.toString(16).padStart(2, '0')}`).toLowerCase()).join('|');
}

export function operationNames(ops: number[]): string[] {
  return ops.map((op) => OP_NAMES[op] ?? `UNKNOWN_${op.toString(16).padStart(2, '0')}`);
}

/** Only TAR and GZIP are implemented (as in both launchers); every other op is refused by name. */
export function assertSupported(ops: number[], where: string): void {
  for (const op of ops) {
    if (op !== OP.TAR && op !== OP.GZIP) {
      const name = OP_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
      throw new PspfError('E_PSPF_UNSUPPORTED_OP', `${where}: operation ${name} is not supported`, {
        hint: 'cogpack packs and unpacks only tar and gzip chains (raw, gzip, tar, tar.gz)',
      });
    }
  }
}

function sameOps(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
