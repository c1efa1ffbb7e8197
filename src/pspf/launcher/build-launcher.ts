/** Locates the native PSPF launcher binary, building it from this directory's C sources when it is missing or stale. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PspfError } from '../errors';

/** The repository root: the nearest directory above this module holding package.json (works from src/ and dist/). */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../../..');
  }
}

const REPO_ROOT = repoRoot(__dirname);
const SOURCE_DIR = path.join(REPO_ROOT, 'src', 'pspf', 'launcher');
export const DEFAULT_LAUNCHER_PATH = path.join(REPO_ROOT, 'dist', 'pspf-launcher');

function newestSourceMtime(): number {
  if (!fs.existsSync(SOURCE_DIR)) return 0;
  return fs
    .readdirSync(SOURCE_DIR)
    .filter((f) => /\.(c|h|sh)$/.test(f))
    .reduce((max, f) => Math.max(max, fs.statSync(path.join(SOURCE_DIR, f)).mtimeMs), 0);
}

/**
 * Returns the launcher's path: `$COGPACK_PSPF_LAUNCHER` if set (used as is), else dist/pspf-launcher,
 * rebuilt with build.sh when a C source is newer than it.
 */
export function ensureLauncher(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.COGPACK_PSPF_LAUNCHER;
  if (given) {
    if (!fs.existsSync(given)) throw new PspfError('E_PSPF_LAUNCHER', `COGPACK_PSPF_LAUNCHER=${given} does not exist`);
    return given;
  }
  const out = DEFAULT_LAUNCHER_PATH;
  const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : -1;
  const sources = newestSourceMtime();
  if (built >= 0 && (sources === 0 || built >= sources)) return out;
  if (sources === 0) throw new PspfError('E_PSPF_LAUNCHER', `no launcher at ${out} and no sources to build it`, { hint: 'run npm run build:launcher' });
  const r = spawnSync('sh', [path.join(SOURCE_DIR, 'build.sh'), out], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ');
    throw new PspfError('E_PSPF_LAUNCHER', `building the launcher failed: ${why}`, { hint: 'needs gcc, libc6-dev, libsodium-dev, zlib1g-dev' });
  }
  return out;
}

/** The launcher's bytes, as embedded at the front of every package. */
export function launcherBytes(env: NodeJS.ProcessEnv = process.env): Buffer {
  return fs.readFileSync(ensureLauncher(env));
}
