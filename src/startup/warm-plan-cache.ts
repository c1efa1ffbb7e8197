/**
 * Build step (run by scripts/build-plan-bundle.ts in a plain `node`, never at run time): plans a few
 * projects with the bundle in one process, then writes the V8 code cache of every function that ran,
 * so a later `cogpack plan` compiles almost nothing. V8 rejects the cache if its version or flags
 * differ at run time; the bundle then compiles lazily as it would without one.
 */
import { writeFileSync } from 'node:fs';
import { compileWithCache, type Main, PLAN_BUNDLE_PATHS } from './plan-bundle';

export async function warmPlanCache(projectDirs: string[]): Promise<number> {
  const { script, exports } = compileWithCache(PLAN_BUNDLE_PATHS.bundle);
  const main = exports.main as Main;
  for (const dir of projectDirs) {
    const argv = ['node', 'cogpack', 'plan', '--json', dir];
    process.argv = argv; // the command registry reads process.argv to load only `plan`
    await main(argv);
    if (process.exitCode) throw new Error(`cogpack plan ${dir} failed while warming the code cache`);
  }
  const cache = script.createCachedData();
  writeFileSync(PLAN_BUNDLE_PATHS.cache, cache);
  return cache.length;
}

if (require.main === module) {
  warmPlanCache(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`warm-plan-cache: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
