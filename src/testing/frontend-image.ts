/** The frontend image for real-daemon tests: `npm run frontend:image` (building the Node base first if this daemon lacks it). */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, type DaemonEnv } from './daemon';
import { dockerTry } from './docker-cli';

const NODE_BASE = 'cogpack.local/debian-node:trixie';

/** Builds it (as `name`, default the script's) from this checkout; returns the image name (the script's last line). */
export function frontendImage(env: DaemonEnv, name?: string): string {
  const extra = name ? { COGPACK_FRONTEND_IMAGE: name } : {};
  const opts = { cwd: REPO_ROOT, encoding: 'utf8' as const, env: { ...process.env, ...env, ...extra }, timeout: 20 * 60_000 };
  if (dockerTry(env, ['image', 'inspect', NODE_BASE]).status !== 0) {
    const made = spawnSync('bash', ['scripts/buildkit-images.sh', 'node'], opts);
    if (made.status !== 0) throw new Error(`buildkit-images.sh node failed:\n${made.stderr}`);
  }
  const res = spawnSync('bash', ['scripts/frontend-image.sh'], opts);
  if (res.status !== 0) throw new Error(`frontend-image.sh failed:\n${res.stderr}`);
  return res.stdout.trim().split('\n').pop() as string;
}
