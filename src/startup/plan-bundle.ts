/**
 * The fast start of `cogpack plan`: loads the one-file bundle that `npm run build` writes to
 * dist/fast/ together with its V8 code cache, so the process neither resolves ~200 small modules
 * nor compiles them. bin/cogpack.js falls back to the tsc output in dist/ whenever this returns
 * undefined (another command, no bundle, a bundle older than dist/, COGPACK_FAST_PATH=0).
 */
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

export type Main = (argv: string[]) => Promise<void>;

export interface BundlePaths {
  bundle: string;
  cache: string;
  /** Written by `tsc` on every build: a bundle older than it was built from other sources. */
  distCli: string;
}

/** dist/fast/ sits beside dist/src/ (this file is dist/src/startup/plan-bundle.js once compiled). */
export const PLAN_BUNDLE_PATHS: BundlePaths = {
  bundle: join(__dirname, '..', '..', 'fast', 'plan.js'),
  cache: join(__dirname, '..', '..', 'fast', 'plan.js.cache'),
  distCli: join(__dirname, '..', 'cli.js'),
};

/** Same rule as src/commands/index.ts: the first argument that is not an option names the command. */
export function commandOf(argv: string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** Compiles a CommonJS file with the V8 code cache (rejected silently when V8 or its flags differ). */
export function compileWithCache(file: string, cachedData?: Buffer): { script: Script; exports: Record<string, unknown> } {
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  // the bundle's externals (node builtins, anything esbuild left out) resolve from its own folder
  const req = Module.createRequire(file);
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, req, mod, file, dirname(file));
  return { script, exports: mod.exports as Record<string, unknown> };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // no cache: the bundle still runs, it only compiles as it goes
  }
}

function isFresh(paths: BundlePaths): boolean {
  try {
    return statSync(paths.bundle).mtimeMs >= statSync(paths.distCli).mtimeMs;
  } catch {
    return false; // no bundle (or no dist/): the caller uses dist/
  }
}

/**
 * A command bundle's `main` when argv runs `command` and the bundle is at least as new as dist/, else
 * undefined (bin/cogpack.js then runs dist/). Shared by the plan and build bundles (build-bundle.ts).
 */
export function loadCommandBundle(command: string, argv: string[], env: NodeJS.ProcessEnv, paths: BundlePaths): Main | undefined {
  if (commandOf(argv) !== command || env.COGPACK_FAST_PATH === '0' || !isFresh(paths)) return undefined;
  const main = compileWithCache(paths.bundle, readCache(paths.cache)).exports.main;
  return typeof main === 'function' ? (main as Main) : undefined;
}

export function loadPlanBundle(argv: string[], env: NodeJS.ProcessEnv = process.env, paths = PLAN_BUNDLE_PATHS): Main | undefined {
  return loadCommandBundle('plan', argv, env, paths);
}
