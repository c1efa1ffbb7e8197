/**
 * Build step (run by scripts/build-plan-bundle.ts in a plain `node`, never at run time): plans a few
 * projects with the bundle in one process, then writes the V8 code cache (warm-cache.ts).
 */
import { runAndWriteCache } from './warm-cache';

export function warmPlanCache(bundle: string, cacheFile: string, projectDirs: string[]): Promise<number> {
  return runAndWriteCache(
    bundle,
    cacheFile,
    projectDirs.map((dir) => ['node', 'cogpack', 'plan', '--json', dir]),
  );
}

/** `node warm-plan-cache.js BUNDLE CACHE PROJECT_DIR...` */
if (require.main === module) {
  const [bundle, cacheFile, ...dirs] = process.argv.slice(2);
  warmPlanCache(bundle, cacheFile, dirs).catch((e: unknown) => {
    process.stderr.write(`warm-plan-cache: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
