/**
 * Build step (run by scripts/build-plan-bundle.ts in a plain `node`, never at run time): plans a few
 * projects with the bundle in one process, then writes the V8 code cache of every function that ran,
 * so a later `cogpack plan` compiles almost nothing. V8 rejects the cache if its version or flags
 * differ at run time; the bundle then compiles lazily as it would without one.
 */
import { writeFileSync } from 'node:fs';
import { compileWithCache, type Main } from './plan-bundle';

export async function warmPlanCache(bundle: string, cacheFile: string, projectDirs: string[]): Promise<number> {
  const { script, exports } = compileWithCache(bundle);
  const main = exports.main as Main;
  for (const dir of projectDirs) {
    const argv = ['node', 'cogpack', 'plan', '--json', dir];
    process.argv = argv; // the command registry reads process.argv to load only `plan`
    await main(argv);
    // a fixture that fails still warms what it ran; the planner's own tests report the failure
    process.exitCode = 0;
  }
  const cache = script.createCachedData();
  writeFileSync(cacheFile, cache);
  return cache.length;
}

/** `node warm-plan-cache.js BUNDLE CACHE PROJECT_DIR...` */
if (require.main === module) {
  const [bundle, cacheFile, ...dirs] = process.argv.slice(2);
  warmPlanCache(bundle, cacheFile, dirs).catch((e: unknown) => {
    process.stderr.write(`warm-plan-cache: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
