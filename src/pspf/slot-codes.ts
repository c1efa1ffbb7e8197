/** Slot purpose/lifecycle codes and permission strings, as the reference writer maps them (data/slot-codes.json). */
import codes from './data/slot-codes.json';
import { PspfError } from './errors';
import { signedMode } from './slot-checks';

const PURPOSE: Record<string, number> = codes.purpose;
const LIFECYCLE: Record<string, number> = codes.lifecycle;

/** Unknown purposes become 0 (data), like the reference. */
export function purposeCode(purpose: string): number {
  return PURPOSE[purpose.toLowerCase()] ?? 0;
}

export function lifecycleCode(lifecycle: string): number {
  const code = LIFECYCLE[lifecycle.toLowerCase()];
  if (code === undefined) {
    throw new PspfError('E_PSPF_LIFECYCLE', `unknown slot lifecycle "${lifecycle}"`, {
      hint: `use one of ${Object.keys(LIFECYCLE).join(', ')}`,
    });
  }
  return code;
}

/** `parse_permissions`: "0755", "755" or "0o755" → 0o755; absent → 0o644 (exactly what readers accept: nothing trimmed). */
export function parsePermissions(perm: string | null | undefined): number {
  const mode = signedMode(perm);
  if (mode === undefined) throw new PspfError('E_PSPF_PERMISSIONS', `slot permissions "${perm}" are not an octal mode`, { hint: 'write them like "0755"' });
  return mode;
}
