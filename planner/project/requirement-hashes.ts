/**
 * pip's hash-checking mode: the `--hash=ALGO:HEX` options of a requirement line, and the rules pip applies
 * to every line once any line has one (each named requirement pinned with ==, each line hashed, no
 * editables or directories). Checked at plan time so a broken hashed file fails at its file:line, not
 * half-way through a build; the hashes themselves are checked by pip against the downloaded files.
 */
import { ConfigError } from '../../src/errors';
import type { Requirement } from './requirements';

/** The algorithms pip accepts in --hash (pip's STRONG_HASHES). */
const HASH_RE = /^(sha256|sha384|sha512):[0-9a-f]+$/;
const HASH_OPTION_RE = /\s--hash(?:=|\s+)(\S*)/g;

/** Splits the `--hash` options off a requirement line: the rest of the line and the hashes, in order. */
export function takeHashes(text: string, ref: { file: string; line: number }): { rest: string; hashes: string[] } {
  const hashes: string[] = [];
  const rest = ` ${text}`.replace(HASH_OPTION_RE, (_all, value: string) => {
    if (!HASH_RE.test(value)) {
      throw new ConfigError('E_REQUIREMENT_HASH', `--hash "${value}" is not ALGO:HEX with ALGO sha256, sha384 or sha512`, {
        ...ref,
        hint: 'write --hash=sha256:<64 hex digits> (pip hash FILE prints it)',
      });
    }
    hashes.push(value);
    return '';
  });
  return { rest: rest.trim(), hashes };
}

const PINNED_RE = /^===?[^,*]+$/;

/** Why pip would refuse this line in hash-checking mode, or undefined when it accepts it. */
function refusal(r: Requirement, isDirectory: boolean): string | undefined {
  if (r.hashes.length === 0) return 'has no --hash';
  if (r.editable) return 'is editable (-e), which pip cannot hash-check';
  if (isDirectory) return 'is a directory, which pip cannot hash-check';
  if (r.name && !r.local && !/@|:\/\//.test(r.spec) && !PINNED_RE.test(r.constraint)) return 'is not pinned with ==';
  return undefined;
}

/**
 * Once one line has --hash, pip checks every line (its --require-hashes mode): each must be hashed and
 * pinned. Returns whether the set is in that mode; throws at the first line pip would refuse.
 */
export function checkHashMode(requirements: Requirement[], isDirectory: (local: string) => boolean): boolean {
  const first = requirements.find((r) => r.hashes.length > 0);
  if (!first) return false;
  for (const r of requirements) {
    const why = refusal(r, r.local !== undefined && isDirectory(r.local));
    if (why) {
      throw new ConfigError('E_REQUIREMENT_HASH', `"${r.spec}" ${why}, and --hash at ${first.file}:${first.line} makes pip check every line`, {
        file: r.file,
        line: r.line,
        hint: 'pin and hash every line (pip-compile --generate-hashes writes them), or remove every --hash',
      });
    }
  }
  return true;
}
