/**
 * Safe access to files inside the project directory: paths that escape it, symlink loops, missing files
 * and binary files all become one-line ConfigErrors naming where the path was written.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../../src/errors';

/** Where a path was written, for error messages: `cog.yaml` line 7. */
export interface Ref {
  file?: string;
  line?: number;
}

/** Says why a project-relative path is left out of the build context (e.g. `.dockerignore pattern "*.txt"`), or undefined. */
export type ExclusionCheck = (rel: string) => string | undefined;

/**
 * Per project root, while loadProject runs: a path the build context leaves out must not be read to plan
 * (the frontend never receives it), so naming one is an error that says which pattern excludes it.
 */
const exclusionChecks = new Map<string, ExclusionCheck>();

export function setExclusionCheck(root: string, check: ExclusionCheck | undefined): void {
  if (check) exclusionChecks.set(root, check);
  else exclusionChecks.delete(root);
}

/** The project-relative form of `p` (POSIX separators), or null when it leaves the project. */
export function insideProject(root: string, p: string): string | null {
  const rel = relative(root, resolve(root, p));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/') || '.';
}

/** Resolves a user-written path against `baseRel` (a project-relative dir); throws if it escapes the project. */
export function projectPath(root: string, baseRel: string, p: string, ref: Ref, what: string): string {
  const rel = insideProject(root, join(root, baseRel, p));
  if (rel === null || isAbsolute(p) && insideProject(root, p) === null) {
    throw new ConfigError('E_PATH_ESCAPES', `${what} "${p}" is outside the project directory`, {
      ...ref,
      hint: 'keep every path inside the project (no "..", no absolute paths elsewhere)',
    });
  }
  const excluded = exclusionChecks.get(root)?.(rel);
  if (excluded) {
    throw new ConfigError('E_PATH_EXCLUDED', `${what} "${p}" is excluded from the build context by ${excluded}`, {
      ...ref,
      hint: `remove or narrow that pattern so that the build context sends ${rel}`,
    });
  }
  return rel;
}

function realOrThrow(abs: string, rel: string, ref: Ref): string {
  try {
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new ConfigError('E_SYMLINK_LOOP', `"${rel}" is a symlink loop`, { ...ref, hint: `point the symlink ${rel} at a real file` });
    }
    throw e;
  }
}

/** Whether a project-relative path exists (a dangling or looping symlink counts as existing, to be reported). */
export function projectFileExists(root: string, rel: string): boolean {
  try {
    statSync(join(root, rel));
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ELOOP';
  }
}

/** Reads a UTF-8 text file of the project; `rel` must already be project-relative. */
export function readProjectText(root: string, rel: string, ref: Ref, what: string): string {
  const abs = join(root, rel);
  if (!projectFileExists(root, rel)) {
    throw new ConfigError('E_FILE_MISSING', `${what} "${rel}" does not exist`, { ...ref, hint: `create ${rel} or fix the path` });
  }
  const real = realOrThrow(abs, rel, ref);
  if (insideProject(realOrThrow(root, '.', ref), real) === null) {
    throw new ConfigError('E_PATH_ESCAPES', `${what} "${rel}" is a symlink to a file outside the project`, {
      ...ref,
      hint: 'copy the file into the project instead of linking to it',
    });
  }
  if (statSync(real).isDirectory()) {
    throw new ConfigError('E_NOT_A_FILE', `${what} "${rel}" is a directory`, { ...ref, hint: 'name a file' });
  }
  const buf = readFileSync(real);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new ConfigError('E_BINARY_FILE', `${rel} is not a text file`, { file: rel, line: 1, hint: `${rel} must be UTF-8 text` });
  }
  return text.replace(/^\uFEFF/, '');
}
