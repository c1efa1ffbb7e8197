/** TOML reading for pyproject.toml and uv.lock: syntax errors with file:line, and a key → line lookup for later errors. */
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from '../../src/errors';

export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      throw new ConfigError('E_TOML_SYNTAX', `invalid TOML: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`, {
        file,
        line: e.line,
        hint: 'fix the TOML syntax',
      });
    }
    throw e;
  }
}

/** The 1-based line of `key = …` inside `[table]` (best effort; 1 when not found). */
export function tomlLine(text: string, table: string, key?: string): number {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.trim() === `[${table}]`);
  if (key === undefined) return header >= 0 ? header + 1 : 1;
  const keyRe = new RegExp(`^\\s*"?${key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}"?\\s*=`);
  for (let i = header + 1; i < lines.length; i++) {
    if (header >= 0 && /^\s*\[/.test(lines[i])) break;
    if (keyRe.test(lines[i])) return i + 1;
  }
  return header >= 0 ? header + 1 : 1;
}
