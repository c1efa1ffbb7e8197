/**
 * SOURCE_DATE_EPOCH for a build: explicit value, else the env var, else the project's last git commit, else 0.
 * The git lookup is asynchronous so it runs while the build plans and connects, not before them.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../errors';

/** The explicit or env value, checked now (a bad one is a usage error before any work); undefined when none. */
export function givenEpoch(explicit?: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const given = explicit ?? env.SOURCE_DATE_EPOCH;
  if (given === undefined || given === '') return undefined;
  if (!/^\d+$/.test(given)) throw new UsageError('E_EPOCH', `SOURCE_DATE_EPOCH "${given}" is not a whole number of seconds`);
  return Number(given);
}

/**
 * Whether git could find a repository for `dir`: a `.git` (directory or file) in it or an ancestor, or GIT_DIR
 * set. When not, git would answer nothing, so it is not started (a fork of this process costs a few ms of CPU).
 */
export function mayBeInGit(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.GIT_DIR) return true;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** The time of the last commit touching `projectDir`, or 0 outside git (no git, no commit, any failure). */
export function lastCommitEpoch(projectDir: string): Promise<number> {
  if (!mayBeInGit(projectDir)) return Promise.resolve(0);
  return new Promise((resolve) => {
    // scoped to the project directory, so unrelated commits in an enclosing repository do not change it
    execFile('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: projectDir, encoding: 'utf8', timeout: 10_000 }, (err, stdout) => {
      const secs = err ? '' : stdout.trim();
      resolve(/^\d+$/.test(secs) ? Number(secs) : 0);
    });
  });
}

/** Throws a bad explicit value synchronously; the git lookup, when needed, is what the promise waits for. */
export function sourceDateEpoch(projectDir: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const given = givenEpoch(explicit, env);
  return given !== undefined ? Promise.resolve(given) : lastCommitEpoch(projectDir);
}
