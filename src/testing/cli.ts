/**
 * Runs the cogpack CLI in a child process with a deadline, as a user would: bin/cogpack.js after
 * `npm run build` (CI builds first), else the TypeScript sources through tsx. A run that outlives its
 * deadline is killed and reported as such, so a hang (a FIFO read, an endless device) fails a test
 * instead of stalling the run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './daemon';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** run as this user id (and group id), e.g. 65534 (nobody): root ignores permission bits */
  uid?: number;
  /** called once the child is running (e.g. to send it a signal later) */
  onSpawn?: (pid: number) => void;
}

const BUILT = join(REPO_ROOT, 'dist', 'src', 'cli.js');

/** The node arguments that start the CLI: the build when there is one, else the sources. */
export function cliCommand(): string[] {
  return existsSync(BUILT) ? [join(REPO_ROOT, 'bin', 'cogpack.js')] : ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts')];
}

/** The environment without COGPACK_* settings of the caller (they would change what is planned). */
export function cleanCliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COGPACK_')) delete env[k];
  return { ...env, ...extra };
}

export function runCli(args: string[], o: CliOptions = {}): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliCommand(), ...args], {
      cwd: o.cwd ?? REPO_ROOT,
      env: o.env ?? cleanCliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.uid === undefined ? {} : { uid: o.uid, gid: o.uid }),
    });
    const out = { stdout: '', stderr: '' };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    child.on('error', reject);
    child.on('spawn', () => o.onSpawn?.(child.pid!));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** stderr lines other than warnings and progress. */
export function errorLines(r: CliRun): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('cogpack: warning:'));
}
