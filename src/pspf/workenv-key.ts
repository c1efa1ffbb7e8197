/**
 * The work environment key, as the launcher (launcher/workenv.c) derives it: the signed package name, which
 * must be one safe path component, plus 16 hex digits of the signed metadata JSON's SHA-256.
 */
import { sha256 } from './bytes';
import { PspfError } from './errors';

export const PACKAGE_NAME_MAX = 128;
export const PACKAGE_NAME_HINT = 'use 1–128 letters, digits, ".", "_", "+" and "-", starting with a letter, digit or "_"';

/** Why `name` cannot name a work environment, or undefined (the launcher's unsafe_name_reason, same words). */
export function packageNameProblem(name: string): string | undefined {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0) return 'it is empty';
  if (bytes > PACKAGE_NAME_MAX) return `it is longer than ${PACKAGE_NAME_MAX} bytes`;
  if (/^[.+-]/.test(name)) return 'it starts with ".", "-" or "+"';
  if (!/^[A-Za-z0-9._+-]+$/.test(name)) return 'only letters, digits, ".", "_", "+" and "-" may appear in it';
  return undefined;
}

/** Throws E_PSPF_PACKAGE_NAME unless the name is safe (the writer's check: such a package would never run). */
export function assertPackageName(name: unknown): void {
  if (typeof name !== 'string') throw new PspfError('E_PSPF_PACKAGE_NAME', 'package.name must be a string', { hint: PACKAGE_NAME_HINT });
  const why = packageNameProblem(name);
  if (why)
    throw new PspfError('E_PSPF_PACKAGE_NAME', `package name ${JSON.stringify(name).slice(0, 80)} cannot name a work environment: ${why}`, {
      hint: PACKAGE_NAME_HINT,
    });
}

/** `<name>-<16 hex>`: a renamed file keeps its directory, and two different packages never share one. */
export function workenvKey(name: string, metadataJson: Buffer): string {
  return `${name}-${sha256(metadataJson).toString('hex').slice(0, 16)}`;
}
