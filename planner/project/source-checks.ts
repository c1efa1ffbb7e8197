/**
 * What /src must hold for the image to start: the predictor files cog.yaml names (run/predict/train) exist
 * inside the project (an error otherwise: the image would get no file or a dangling link), and the ignore
 * rules neither leave them out nor leave /src empty (a warning naming the rule: the build works, the model
 * does not start).
 */
import { readdirSync } from 'node:fs';
import type { CogConfig } from './cog-yaml';
import { projectEntry } from './fs-safe';
import { describeRule, type IgnoreRule } from './ignore-files';

type Excluded = (rel: string) => IgnoreRule | undefined;

/** Checks each predictor file; returns the warnings for those the ignore rules leave out of /src. */
export function checkPredictors(dir: string, cog: CogConfig, excluded: Excluded): string[] {
  const warnings: string[] = [];
  for (const key of ['run', 'predict', 'train'] as const) {
    const ref = cog.data[key];
    if (ref === undefined) continue;
    const file = ref.slice(0, ref.lastIndexOf(':'));
    const line = cog.lineOf([key]);
    const rel = projectEntry(dir, '.', file, { file: cog.file, line }, `${key} file`, { excluded: 'allow' });
    const rule = excluded(rel);
    if (rule) {
      warnings.push(
        `${cog.file}:${line}: ${key} file ${rel} is left out of /src by ${describeRule(rule)}, so the model cannot start; remove or narrow that pattern`,
      );
    }
  }
  return warnings;
}

/** A warning when the ignore rules leave nothing of the project in /src, naming the rule that excludes its first entry. */
export function emptySourceWarning(dir: string, fileCount: number, excluded: Excluded): string | undefined {
  if (fileCount > 0) return undefined;
  const rule = readdirSync(dir)
    .sort()
    .map(excluded)
    .find((r) => r && r.source !== 'default');
  return rule && `${describeRule(rule)} leaves /src empty (every file of the project is excluded); narrow it, or add "!" lines for the code`;
}
