/** Runs the docker CLI of the test daemon synchronously and fails loudly with its stderr. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import type { DaemonEnv } from './daemon';

export interface DockerRunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `docker ARGS` against the daemon in `env`; never throws (tests assert on the status). */
export function dockerTry(env: DaemonEnv, args: readonly string[], opts: SpawnSyncOptions = {}): DockerRunResult {
  const res = spawnSync(env.COGPACK_DOCKER, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 10 * 60_000,
    ...opts,
    env: { ...process.env, ...env, ...(opts.env ?? {}) },
  });
  if (res.error) throw res.error;
  return { status: res.status ?? -1, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
}

/** `docker ARGS`, returning stdout; throws with the command and its stderr on a non-zero exit. */
export function docker(env: DaemonEnv, args: readonly string[], opts: SpawnSyncOptions = {}): string {
  const res = dockerTry(env, args, opts);
  if (res.status !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${res.status}:\n${res.stderr.trim()}`);
  }
  return res.stdout;
}
