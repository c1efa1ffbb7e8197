/**
 * Entry point of the frontend image: loads the one-file bundle beside it (frontend.js) with its V8 code
 * cache and runs it. `launch.js --warm DIR...` (the image build, with the image's node) runs the bundle on
 * sample projects instead and writes that cache: V8 accepts a cache only from the same version and flags.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileWithCache } from '../startup/plan-bundle';

const BUNDLE = join(__dirname, 'frontend.js');
const CACHE = `${BUNDLE}.cache`;

type Bundle = { main: () => Promise<void>; warm: (dirs: string[]) => Promise<string[]> };

function readCache(): Buffer | undefined {
  try {
    return readFileSync(CACHE);
  } catch {
    return undefined; // no cache: the bundle compiles as it goes
  }
}

async function warmCache(dirs: string[]): Promise<void> {
  const { script, exports } = compileWithCache(BUNDLE);
  const errors = await (exports as unknown as Bundle).warm(dirs);
  if (errors.length > 0) throw new Error(`warming failed on ${errors.join('; ')}`);
  const cache = script.createCachedData();
  writeFileSync(CACHE, cache);
  process.stderr.write(`launch: wrote ${CACHE} (${cache.length} bytes) from ${dirs.length} projects\n`);
}

function run(): Promise<void> {
  const t0 = performance.now();
  const cache = readCache();
  const { script, exports } = compileWithCache(BUNDLE, cache);
  const state = cache ? (script.cachedDataRejected ? 'rejected' : 'used') : 'none';
  process.stderr.write(`cogpack-frontend: [${Math.round(performance.now())} ms] bundle loaded in ${Math.round(performance.now() - t0)} ms (code cache ${state})\n`);
  return (exports as unknown as Bundle).main();
}

const args = process.argv.slice(2);
(args[0] === '--warm' ? warmCache(args.slice(1)) : run()).catch((e: unknown) => {
  process.stderr.write(`cogpack-frontend: fatal: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
