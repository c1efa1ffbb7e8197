/** SOURCE_DATE_EPOCH for a build: explicit value, else the env var, else the project's last git commit, else 0. */
import { spawnSync } from 'child_process';
import { UsageError } from '../errors';

export function sourceDateEpoch(projectDir: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): number {
  const given = explicit ?? env.SOURCE_DATE_EPOCH;
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given)) throw new UsageError('E_EPOCH', `SOURCE_DATE_EPOCH "${given}" is not a whole number of seconds`);
    return Number(given);
  }
  // scoped to the project directory, so unrelated commits in an enclosing repository do not change it
  const res = spawnSync('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: projectDir, encoding: 'utf8', timeout: 10_000 });
  const secs = res.status === 0 ? res.stdout.trim() : '';
  return /^\d+$/.test(secs) ? Number(secs) : 0;
}
