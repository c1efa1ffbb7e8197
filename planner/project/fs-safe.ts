/**
 * Safe access to files inside the project directory: paths that escape it, symlink loops, missing files,
 * binary files, FIFOs, devices, oversized and unreadable files all become one-line ConfigErrors naming where
 * the path was written.
 */
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../../src/errors';
import { describeErrno, readRegularFile, type InputKind } from '../../src/regular-file';

/** Where a path was written, for error messages: `cog.yaml` line 7. */
export interface Ref {
  file?: string;
  line?: number;
}

/** Says why a project-relative path is left out of the build context (e.g. `.dockerignore:1 pattern "*.txt"`), or undefined. */
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
export function projectPath(root: string, baseRel: string, p: string, ref: Ref, what: string, opts: { excluded?: 'refuse' | 'allow' } = {}): string {
  const rel = insideProject(root, join(root, baseRel, p));
  if (rel === null || (isAbsolute(p) && insideProject(root, p) === null)) {
    throw new ConfigError('E_PATH_ESCAPES', `${what} "${p}" is outside the project directory`, {
      ...ref,
      hint: 'keep every path inside the project (no "..", no absolute paths elsewhere)',
    });
  }
  const excluded = opts.excluded === 'allow' ? undefined : exclusionChecks.get(root)?.(rel);
  if (excluded) {
    throw new ConfigError('E_PATH_EXCLUDED', `${what} "${p}" is excluded from the build context by ${excluded}`, {
      ...ref,
      hint: `remove or narrow that pattern so that the build context sends ${rel}`,
    });
  }
  return rel;
}

/**
 * The one containment rule for a path a project file names and the build will use (a requirement's wheel,
 * a weights source, the predictor, a uv.lock path source): written inside the project, present, and, when
 * it is a symlink, pointing inside the project too. BuildKit sends symlinks as they are, so a link out of
 * the project becomes "not found" mid-build or a dangling link in the image. Returns the project-relative path.
 */
export function projectEntry(root: string, baseRel: string, p: string, ref: Ref, what: string, opts: { excluded?: 'refuse' | 'allow' } = {}): string {
  const rel = projectPath(root, baseRel, p, ref, what, opts);
  if (linksOut(root, rel)) escapes(rel, ref, what);
  if (!projectFileExists(root, rel)) {
    throw new ConfigError('E_FILE_MISSING', `${what} "${p}" does not exist`, { ...ref, hint: `create ${rel} or fix the path` });
  }
  checkContained(root, rel, ref, what);
  return rel;
}

function escapes(rel: string, ref: Ref, what: string): never {
  throw new ConfigError('E_PATH_ESCAPES', `${what} "${rel}" is a symlink to a path outside the project`, {
    ...ref,
    hint: `copy what ${rel} points to into the project instead of linking to it`,
  });
}

/** Whether `rel` is itself a symlink whose target is written outside the project (dangling or not). */
function linksOut(root: string, rel: string): boolean {
  const abs = join(root, rel);
  try {
    if (!lstatSync(abs).isSymbolicLink()) return false;
    const target = resolve(dirname(abs), readlinkSync(abs));
    return insideProject(root, target) === null && insideProject(realpathSync(root), target) === null;
  } catch {
    return false;
  }
}

/** Throws unless `rel` (which exists) resolves, through any symlinks, to a path inside the project. */
function checkContained(root: string, rel: string, ref: Ref, what: string): string {
  const real = realOrThrow(join(root, rel), rel, ref);
  if (insideProject(realOrThrow(root, '.', ref), real) === null) escapes(rel, ref, what);
  return real;
}

function realOrThrow(abs: string, rel: string, ref: Ref): string {
  try {
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new ConfigError('E_SYMLINK_LOOP', `"${rel}" is a symlink loop`, { ...ref, hint: `point the symlink ${rel} at a real file` });
    }
    throw unreadable(rel, ref, e);
  }
}

/** A path that exists but cannot be opened or resolved (EACCES, ENAMETOOLONG…): one line naming it. */
export function unreadable(rel: string, ref: Ref, e: unknown): ConfigError {
  const { code, text } = describeErrno(e);
  if (code === 'ENOENT') return new ConfigError('E_FILE_MISSING', `"${rel}" does not exist`, { ...ref, hint: `create ${rel} or fix the path` });
  return new ConfigError('E_FILE_UNREADABLE', `"${rel}" ${text}`, {
    ...ref,
    hint: `make ${rel} readable, or add it to .dockerignore if the build does not need it`,
  });
}

/**
 * Whether a project-relative path exists. A dangling or looping symlink, or a path that cannot be looked at
 * (EACCES, ENAMETOOLONG), counts as existing, so that reading it reports what is wrong.
 */
export function projectFileExists(root: string, rel: string): boolean {
  try {
    statSync(join(root, rel));
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** The size cap that fits a project file, by name (src/regular-file.ts SIZE_CAPS). */
function kindOf(rel: string): InputKind {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (base === 'uv.lock') return 'lockfile';
  if (base === '.python-version') return 'python-version';
  return 'project-text';
}

/** Reads a UTF-8 text file of the project (a regular file within its size cap); `rel` must already be project-relative. */
export function readProjectText(root: string, rel: string, ref: Ref, what: string): string {
  if (!projectFileExists(root, rel)) {
    throw new ConfigError('E_FILE_MISSING', `${what} "${rel}" does not exist`, { ...ref, hint: `create ${rel} or fix the path` });
  }
  const real = checkContained(root, rel, ref, what);
  const label = what === rel ? rel : `${what} "${rel}"`;
  const buf = readRegularFile(real, {
    kind: kindOf(rel),
    what: label,
    fail: (code, message, hint) => new ConfigError(code, message, { ...ref, hint: code === 'E_NOT_A_FILE' ? 'name a file' : hint }),
  });
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
