/** Finds the project-local Docker/BuildKit daemon for integration tests, so they can skip cleanly without one. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import localImages from './local-images.json';

export interface DaemonEnv {
  DOCKER_HOST: string;
  COGPACK_DOCKER: string;
  COGPACK_IMAGE_MAP: string;
  DOCKER_CONFIG?: string;
  [name: string]: string | undefined;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const NO_DAEMON_MESSAGE = 'no Docker/BuildKit daemon answers: run `eval "$(npm run -s buildkit:up)"` first (CI does this)';

/** `from=to,from=to` for COGPACK_IMAGE_MAP, from the data file the scripts read too. */
export function localImageMap(): string {
  return Object.entries(localImages.imageMap)
    .map(([from, to]) => `${from}=${to}`)
    .join(',');
}

/** The same paths scripts/buildkit-env.sh computes (one source of truth: ask the script). */
function projectLocalPaths(): { host: string; dockerConfig: string; bin: string } | null {
  const script = path.join(REPO_ROOT, 'scripts', 'buildkit-env.sh');
  if (!fs.existsSync(script)) return null;
  const out = spawnSync(
    'bash',
    ['-c', `ROOT="$1"; . "$1/scripts/buildkit-env.sh"; printf '%s\\n%s\\n%s' "$BK_HOST" "$DOCKER_CONFIG" "$BK_BIN"`, '-', REPO_ROOT],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  if (out.status !== 0) return null;
  const [host, dockerConfig, bin] = out.stdout.split('\n');
  return { host, dockerConfig, bin };
}

const PING_SCRIPT = `
const http = require('node:http');
const [host] = process.argv.slice(1);
const target = host.startsWith('unix://') ? { socketPath: host.slice(7) } : (() => { const u = new URL(host.replace(/^tcp:/, 'http:')); return { host: u.hostname, port: u.port }; })();
const req = http.request({ ...target, path: '/_ping', timeout: 3000 }, (res) => { res.resume(); process.exit(res.statusCode === 200 ? 0 : 1); });
req.on('error', () => process.exit(1)); req.on('timeout', () => process.exit(1)); req.end();`;

/** True when GET /_ping on `host` (unix:// or tcp:// without TLS) answers 200 within 3 s. */
export function daemonAnswers(host: string): boolean {
  if (!/^(unix|tcp):\/\//.test(host)) return false;
  const res = spawnSync(process.execPath, ['-e', PING_SCRIPT, host], { timeout: 5000 });
  return res.status === 0;
}

let cached: DaemonEnv | null | undefined;

/**
 * The environment that reaches a running daemon (DOCKER_HOST, COGPACK_DOCKER, COGPACK_IMAGE_MAP, DOCKER_CONFIG),
 * preferring the caller's DOCKER_HOST, else the project-local daemon of `npm run buildkit:up`; null when none answers.
 */
export function daemonEnv(env: NodeJS.ProcessEnv = process.env): DaemonEnv | null {
  const useCache = env === process.env;
  if (useCache && cached !== undefined) return cached;
  const local = projectLocalPaths();
  const host = env.DOCKER_HOST || local?.host;
  let found: DaemonEnv | null = null;
  if (host && daemonAnswers(host)) {
    const localCli = local ? path.join(local.bin, 'docker') : '';
    found = {
      DOCKER_HOST: host,
      COGPACK_DOCKER: env.COGPACK_DOCKER || (localCli && fs.existsSync(localCli) ? localCli : 'docker'),
      COGPACK_IMAGE_MAP: env.COGPACK_IMAGE_MAP || localImageMap(),
    };
    const dockerConfig = env.DOCKER_CONFIG || (local && fs.existsSync(local.dockerConfig) ? local.dockerConfig : undefined);
    if (dockerConfig) found.DOCKER_CONFIG = dockerConfig;
  }
  if (useCache) cached = found;
  return found;
}

/** `describe` when a daemon answers, otherwise `describe.skip` with a message saying how to get one. */
export function describeWithDaemon(name: string, fn: (env: DaemonEnv) => void): void {
  const env = daemonEnv();
  if (env) {
    describe(name, () => fn(env));
  } else {
    describe.skip(`${name} (skipped: ${NO_DAEMON_MESSAGE})`, () => fn({} as DaemonEnv));
  }
}
