/**
 * The per-slot descriptor checks the launcher makes (launcher/pspf.c read_slot), shared by `verify` and readSlot:
 * the op chain is one the launcher runs and equals the descriptor's whole u64, the descriptor mode equals the
 * signed metadata's, and original_size is a size the stored bytes can really have.
 */
import { descriptorMode, type SlotDescriptor } from './descriptor';

/** Deflate cannot expand more than 1032:1, so a larger declaration is refused before anything is inflated. */
export const GZIP_MAX_RATIO = 1032;

/** The launcher's spellings (ASCII case-insensitive, nothing trimmed) and the packed u64 each must match. */
const LAUNCHABLE: Record<string, bigint> = { '': 0n, raw: 0n, none: 0n, gzip: 0x10n, tar: 0x01n, 'tar.gz': 0x1001n, tgz: 0x1001n, 'tar|gzip': 0x1001n };

export function launchableOperations(text: string): bigint | undefined {
  const key = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return Object.prototype.hasOwnProperty.call(LAUNCHABLE, key) ? LAUNCHABLE[key] : undefined;
}

export function isGzipChain(ops: bigint): boolean {
  return ops === 0x10n || ops === 0x1001n;
}

export function isTarChain(ops: bigint): boolean {
  return ops === 0x01n || ops === 0x1001n;
}

/** The signed mode: metadata `permissions` as the reference writes it ("0755", "755", "0o755"; absent, null or "": 0644). */
export function signedMode(perm: string | null | undefined): number | undefined {
  if (perm === null || perm === undefined || perm === '') return 0o644;
  const m = /^(?:0o|0(?=.))?([0-7]{1,4})$/.exec(perm);
  return m ? parseInt(m[1], 8) : undefined;
}

export interface SlotProblem {
  code: 'E_PSPF_SLOT_OPERATIONS' | 'E_PSPF_SLOT_PERMISSIONS' | 'E_PSPF_DECLARED_SIZE';
  message: string;
}

interface SignedSlot {
  id: string;
  operations: string;
  permissions?: string | null;
}

/** Every problem with descriptor i against its signed metadata entry (empty: the launcher accepts it). */
export function descriptorProblems(d: SlotDescriptor, s: SignedSlot, i: number): SlotProblem[] {
  const out: SlotProblem[] = [];
  const at = `slot ${i} (${s.id})`;
  const named = launchableOperations(s.operations);
  if (named === undefined) out.push({ code: 'E_PSPF_SLOT_OPERATIONS', message: `${at}: operations "${s.operations}" are not raw, gzip, tar or tar.gz` });
  else if (named !== d.operations) {
    out.push({
      code: 'E_PSPF_SLOT_OPERATIONS',
      message: `${at}: descriptor operations 0x${d.operations.toString(16)} differ from the metadata's "${s.operations}"`,
    });
  }
  const mode = signedMode(s.permissions);
  if (mode === undefined) out.push({ code: 'E_PSPF_SLOT_PERMISSIONS', message: `${at}: metadata permissions "${s.permissions}" are not an octal mode` });
  else if (mode !== descriptorMode(d)) {
    out.push({
      code: 'E_PSPF_SLOT_PERMISSIONS',
      message: `${at}: descriptor permissions 0${descriptorMode(d).toString(8)} differ from the signed metadata's 0${mode.toString(8)}`,
    });
  }
  if (!isGzipChain(d.operations) && d.original_size !== d.size) {
    out.push({
      code: 'E_PSPF_DECLARED_SIZE',
      message: `${at}: original_size ${d.original_size} differs from the stored size ${d.size} of an uncompressed slot`,
    });
  }
  if (isGzipChain(d.operations) && Math.floor(d.original_size / GZIP_MAX_RATIO) > d.size) {
    out.push({ code: 'E_PSPF_DECLARED_SIZE', message: `${at}: original_size ${d.original_size} is more than gzip can produce from ${d.size} stored bytes` });
  }
  return out;
}

/**
 * The most a gzip slot may decode to: original_size, except for the reference's pre-gzipped quirk
 * (original_size == size), where only deflate's own ratio bounds it and gzip's ISIZE is checked at the end.
 */
export function gzipLimit(d: SlotDescriptor): number {
  return d.original_size !== d.size ? d.original_size : d.size * GZIP_MAX_RATIO;
}
