/**
 * Reads uv.lock: the locked packages (for resolution and provenance) and whether the project itself is
 * installable. Local sources (path, directory, editable, virtual) obey the rule every project path does.
 */
import { ConfigError } from '../../src/errors';
import { projectEntry } from './fs-safe';
import { normalizeName } from './requirements';
import { parseToml } from './toml';
import { UvLockSchema } from './uv-lock-schema';

export interface UvLock {
  file: string;
  requiresPython?: string;
  /** locked name → version, the project itself excluded */
  packages: Record<string, string>;
  /** the project's own package when it is installable (not `virtual`) */
  project?: string;
}

/** uv.lock source keys whose value is a local path, relative to the project (where uv.lock sits). */
const LOCAL_SOURCES = ['path', 'directory', 'editable', 'virtual'];

/** The line a `key = "value"` is written on, as uv writes it (in the package's source table), else 1. */
function sourceLine(text: string, key: string, value: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => l.includes(`${key} = ${JSON.stringify(value)}`));
  return i >= 0 ? i + 1 : 1;
}

/** A local source outside the project (`path = "../../x"`, `editable = "/etc"`) would be read from the builder's disk, or fail. */
function checkLocalSources(root: string, text: string, file: string, name: string, src: Record<string, unknown>): void {
  for (const key of LOCAL_SOURCES) {
    const v = src[key];
    if (typeof v !== 'string' || v === '.') continue;
    projectEntry(root, '.', v, { file, line: sourceLine(text, key, v) }, `"${name}" ${key} source`);
  }
}

export function parseUvLock(root: string, text: string, file = 'uv.lock'): UvLock {
  const parsed = UvLockSchema.safeParse(parseToml(text, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError('E_UV_LOCK', `uv.lock ${issue.path.join('.')}: ${issue.message}`, {
      file,
      line: 1,
      hint: 'regenerate it with `uv lock`',
    });
  }
  const out: UvLock = { file, requiresPython: parsed.data['requires-python'], packages: {} };
  for (const p of parsed.data.package ?? []) {
    const src = p.source ?? {};
    checkLocalSources(root, text, file, p.name, src);
    if (src.editable === '.' || src.virtual === '.') {
      if (src.editable === '.') out.project = normalizeName(p.name);
      continue;
    }
    if (p.version) out.packages[normalizeName(p.name)] = p.version;
  }
  return out;
}
