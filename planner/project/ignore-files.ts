/**
 * What never goes into the image's code layer: cogpack's defaults plus the project's .dockerignore and
 * .cogignore patterns (dockerignore syntax; both files are read, .cogignore last).
 */
import ignore, { type Ignore } from 'ignore';
import { projectFileExists, readProjectText } from './fs-safe';

/** Always excluded from the source context: VCS data, bytecode caches, cog's own build dir. */
export const DEFAULT_EXCLUDES = ['.git', '.hg', '.svn', '**/__pycache__', '**/*.pyc', '.cog', '.venv'];

export function readIgnorePatterns(root: string): string[] {
  const patterns = [...DEFAULT_EXCLUDES];
  for (const f of ['.dockerignore', '.cogignore']) {
    if (!projectFileExists(root, f)) continue;
    const lines = readProjectText(root, f, { file: f }, 'ignore file').split(/\r?\n/);
    for (const l of lines) {
      const t = l.trim();
      if (t && !t.startsWith('#')) patterns.push(t.replace(/^\/+/, ''));
    }
  }
  return patterns;
}

export function makeMatcher(patterns: string[]): Ignore {
  return ignore().add(patterns);
}
