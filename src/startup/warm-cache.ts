/**
 * The shared half of the warm-up build steps (warm-plan-cache.ts, warm-build-cache.ts): runs a command
 * bundle's `main` on several argvs in this process, then writes the V8 code cache of every function that
 * ran, so a later start compiles almost nothing. V8 rejects the cache if its version or flags differ at
 * run time; the bundle then compiles lazily as it would without one.
 */
import { writeFileSync } from 'node:fs';
import { compileWithCache, type Main } from './plan-bundle';

export async function runAndWriteCache(bundle: string, cacheFile: string, argvs: string[][]): Promise<number> {
  const { script, exports } = compileWithCache(bundle);
  const main = exports.main as Main;
  for (const argv of argvs) {
    process.argv = argv; // the command registry reads process.argv to load only this command
    await main(argv);
    // a run that fails still warms what it ran; the command's own tests report the failure
    process.exitCode = 0;
  }
  const cache = script.createCachedData();
  writeFileSync(cacheFile, cache);
  return cache.length;
}
