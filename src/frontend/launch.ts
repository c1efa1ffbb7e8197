/**
 * Entry point of the frontend image: loads the one-file bundle beside it (frontend.js) with its V8 code
 * cache and runs it. `launch.js --warm DIR...` (the image build, with the image's node) runs the bundle on
 * sample projects instead and writes that cache: V8 accepts a cache only from the same version and flags.
 * `node --snapshot-blob F --build-snapshot launch.js DIR...` (also at image build) writes a startup snapshot
 * of the warmed bundle (buildSnapshot): Debian's node is built without Node's own bootstrap snapshot
 * (node_use_node_snapshot false), so a plain start re-runs Node's whole bootstrap and then the
 * bundle's module set-up; from F both are deserialised instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startupSnapshot } from 'node:v8';
import { Script } from 'node:vm';

const BUNDLE = join(__dirname, 'frontend.js');
const CACHE = `${BUNDLE}.cache`;

type Bundle = { main: () => Promise<void>; warm: (dirs: string[]) => Promise<string[]> };

/**
 * The bundle as a CommonJS module compiled with `cachedData` (like src/startup/plan-bundle.ts, but with no
 * parent module: a snapshot's main function has no `module`).
 */
function compileWithCache(file: string, cachedData?: Buffer): { script: Script; exports: Record<string, unknown> } {
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file);
  mod.filename = file;
  const req = Module.createRequire(file); // the bundle's externals (node builtins) resolve from its folder
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, req, mod, file, dirname(file));
  return { script, exports: mod.exports as Record<string, unknown> };
}

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
  process.stderr.write(
    `cogpack-frontend: [${Math.round(performance.now())} ms] bundle loaded in ${Math.round(performance.now() - t0)} ms (code cache ${state})\n`,
  );
  return (exports as unknown as Bundle).main();
}

function fatal(e: unknown): never {
  process.stderr.write(`cogpack-frontend: fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}

/**
 * Snapshot build (`node --snapshot-blob F --build-snapshot launch.js DIR...`): the bundle is evaluated and run
 * on the sample projects here, so the snapshot holds its initialised modules (schemas, proto roots, the planner's
 * tables) and the functions a build calls, and a start from F goes straight to `main`. node:http2 is loaded only
 * when the client connects (h2-grpc.ts): Node 20 cannot snapshot it.
 */
async function buildSnapshot(dirs: string[]): Promise<void> {
  const { exports } = compileWithCache(BUNDLE, readCache());
  const bundle = exports as unknown as Bundle;
  const errors = await bundle.warm(dirs);
  if (errors.length > 0) throw new Error(`warming failed on ${errors.join('; ')}`);
  startupSnapshot.setDeserializeMainFunction(() => {
    process.stderr.write(`cogpack-frontend: [${Math.round(performance.now())} ms] bundle loaded from the startup snapshot\n`);
    bundle.main().catch(fatal);
  });
}

const args = process.argv.slice(2);
if (startupSnapshot.isBuildingSnapshot()) buildSnapshot(args).catch(fatal);
else (args[0] === '--warm' ? warmCache(args.slice(1)) : run()).catch(fatal);
