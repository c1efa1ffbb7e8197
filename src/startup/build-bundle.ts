/**
 * The fast start of `cogpack build`: loads dist/fast-build/build.js (one esbuild bundle of what `build`
 * runs: commander, planner, LLB, grpc-js, protobufjs, the BuildKit client) with its V8 code cache, so a
 * no-op rebuild does not spend ~0.4 s resolving and compiling ~300 modules before it talks to BuildKit.
 * Same rules as the plan bundle (src/startup/plan-bundle.ts, whose loader helpers it uses): undefined for
 * other commands, a missing or stale bundle, or COGPACK_FAST_PATH=0, and bin/cogpack.js then runs dist/.
 */
import { join } from 'node:path';
import { type BundlePaths, loadCommandBundle, type Main } from './plan-bundle';

/** dist/fast-build/ sits beside dist/src/ (this file is dist/src/startup/build-bundle.js once compiled). */
export const BUILD_BUNDLE_PATHS: BundlePaths = {
  bundle: join(__dirname, '..', '..', 'fast-build', 'build.js'),
  cache: join(__dirname, '..', '..', 'fast-build', 'build.js.cache'),
  distCli: join(__dirname, '..', 'cli.js'),
};

export function loadBuildBundle(argv: string[], env: NodeJS.ProcessEnv = process.env, paths = BUILD_BUNDLE_PATHS): Main | undefined {
  return loadCommandBundle('build', argv, env, paths);
}
