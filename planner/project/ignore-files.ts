/**
 * What never goes into the build context: cogpack's defaults plus the project's .dockerignore and
 * .cogignore patterns (dockerignore syntax; both files are read, .cogignore last), and which rule leaves
 * out a given path. The frontend never receives what these exclude, so the planner must not read it either.
 */
import ignore, { type Ignore } from 'ignore';
import { ConfigError } from '../../src/errors';
import { dockerPatternProblem } from './docker-pattern';
import { projectFileExists, readProjectText } from './fs-safe';

/** Always excluded from the source context: VCS data, bytecode caches, cog's own build dir. */
export const DEFAULT_EXCLUDES = ['.git', '.hg', '.svn', '**/__pycache__', '**/*.pyc', '.cog', '.venv'];

export interface IgnoreRule {
  pattern: string;
  /** `.dockerignore`, `.cogignore`, or `default` for DEFAULT_EXCLUDES */
  source: string;
  /** the line of the ignore file it was written on */
  line?: number;
}

export function readIgnoreRules(root: string): IgnoreRule[] {
  const rules: IgnoreRule[] = DEFAULT_EXCLUDES.map((pattern) => ({ pattern, source: 'default' }));
  for (const f of ['.dockerignore', '.cogignore']) {
    if (!projectFileExists(root, f)) continue;
    const lines = readProjectText(root, f, { file: f }, 'ignore file').split(/\r?\n/);
    lines.forEach((l, i) => {
      const t = l.trim();
      if (!t || t.startsWith('#')) return;
      const problem = dockerPatternProblem(t);
      if (problem) {
        throw new ConfigError('E_IGNORE_PATTERN', `docker cannot read the pattern "${t}": ${problem}`, {
          file: f,
          line: i + 1,
          hint: 'close every "[", escape a literal "[" as "\\[", and write ranges low-high',
        });
      }
      rules.push({ pattern: t.replace(/^\/+/, ''), source: f, line: i + 1 });
    });
  }
  return rules;
}

export function readIgnorePatterns(root: string): string[] {
  return readIgnoreRules(root).map((r) => r.pattern);
}

export function makeMatcher(patterns: string[]): Ignore {
  return ignore().add(patterns);
}

/** The rule that leaves a project-relative path (file or directory, or anything under one) out, if any. */
export function exclusionOf(rules: IgnoreRule[]): (rel: string) => IgnoreRule | undefined {
  const ig = ignore().add(rules.map((r, i) => ({ pattern: r.pattern, mark: String(i) })));
  return (rel) => {
    // a referenced path may be a directory the frontend cannot stat, so test both forms
    const hit = [ig.test(rel), ig.test(`${rel}/`)].find((t) => t.ignored)?.rule;
    return hit && rules[Number(hit.mark)];
  };
}

/** `.dockerignore:2 pattern "*.txt"`, for messages. */
export function describeRule(rule: IgnoreRule): string {
  return rule.source === 'default' ? `cogpack's default exclude "${rule.pattern}"` : `${rule.source}:${rule.line} pattern "${rule.pattern}"`;
}
