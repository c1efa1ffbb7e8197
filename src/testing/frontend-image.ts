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

/**
 * `docker buildx build` arguments for a build of the project in the working directory by the cogpack frontend: `image`
 * as BUILDKIT_SYNTAX (null: the entry file's own `#syntax` line decides), the daemon's image map, no cog SDK and
 * SOURCE_DATE_EPOCH 0, so results compare with a CLI build; BuildKit's provenance off unless asked for.
 */
export function frontendBuildArgs(image: string | null, env: DaemonEnv, entry: string, extra: string[], provenance = 'false'): string[] {
  const syntax = image ? ['--build-arg', `BUILDKIT_SYNTAX=${image}`] : [];
  const buildArgs = [`COGPACK_IMAGE_MAP=${env.COGPACK_IMAGE_MAP}`, 'COGPACK_COG_SDK=none', 'SOURCE_DATE_EPOCH=0'].flatMap((a) => ['--build-arg', a]);
  return ['buildx', 'build', '--progress=plain', `--provenance=${provenance}`, ...syntax, ...buildArgs, '-f', entry, ...extra, '.'];
}
