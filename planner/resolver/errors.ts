/**
 * Resolver failures: turns a request's source string into a file:line place and decides whose fault a
 * failure is (the user's project → ConfigError, exit 2; a block or the data → InternalError).
 */
import { ConfigError, InternalError, type CogpackError } from '../../src/errors';
import type { DependencyRequest } from './types';

export interface SourcePlace {
  file?: string;
  line?: number;
  /** the field or detail after the place, e.g. `build.python_version` */
  detail?: string;
}

const SOURCE_RE = /^([^\s:]+?)(?::(\d+))?(?:\s+(.*))?$/;

/** `cog.yaml:12 build.python_version` → {file: 'cog.yaml', line: 12, detail: 'build.python_version'}; `default` → {}. */
export function parseSource(source: string): SourcePlace {
  if (isDefaultSource(source)) return {};
  const m = SOURCE_RE.exec(source.trim());
  if (!m) return { detail: source };
  return { file: m[1], line: m[2] ? Number(m[2]) : undefined, detail: m[3] || undefined };
}

/** A request cogpack made up (a block default) rather than one the user wrote. */
export function isDefaultSource(source: string): boolean {
  return source === 'default' || source.startsWith('default ') || source.startsWith('default:');
}

/** `torch ==2.3.1 (requirements.txt:3, from block torch)`: how a message names one requester (or a choice the resolver derived). */
export function describe(req: DependencyRequest): string {
  if (req.requester === 'resolver') return `${req.name} ${req.constraint} (${req.source})`;
  const what = req.constraint ? `${req.name} ${req.constraint}` : `${req.name} (any version)`;
  return `${what} (${req.source}, from block ${req.requester})`;
}

/**
 * The user's fault when any of the involved requests came from the user's files; cogpack's own fault
 * when only block defaults are involved (a block asked for something the data cannot satisfy).
 * The error's place is the first user-written request's file:line.
 */
export function resolveError(code: string, message: string, involved: DependencyRequest[], hint: string): CogpackError {
  const user = involved.find((r) => !isDefaultSource(r.source));
  if (!user) {
    return new InternalError(code, `${message} (only cogpack defaults are involved)`, {
      hint: 'this is a cogpack bug: report it with the project that triggers it',
    });
  }
  const place = parseSource(user.source);
  return new ConfigError(code, message, { file: place.file, line: place.line, hint });
}

/** A conflict between two requesters: the message names both and their sources. */
export function conflictError(code: string, a: DependencyRequest, b: DependencyRequest, why: string, hint: string): CogpackError {
  return resolveError(code, `${describe(a)} conflicts with ${describe(b)}: ${why}`, [a, b], hint);
}
