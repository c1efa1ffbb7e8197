/** Reads uv.lock: the locked packages (for resolution and provenance) and whether the project itself is installable. */
import { ConfigError } from '../../src/errors';
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

export function parseUvLock(text: string, file = 'uv.lock'): UvLock {
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
    if (src.editable === '.' || src.virtual === '.') {
      if (src.editable === '.') out.project = normalizeName(p.name);
      continue;
    }
    if (p.version) out.packages[normalizeName(p.name)] = p.version;
  }
  return out;
}
