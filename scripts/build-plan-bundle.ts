/**
 * Second half of `npm run build` (after tsc): bundles what `cogpack plan` runs into dist/fast/plan.js
 * with esbuild and writes its V8 code cache (dist/fast/plan.js.cache), the fast start that
 * bin/cogpack.js prefers for `plan` (src/startup/plan-bundle.ts). Start-up of a one-shot CLI is
 * dominated by resolving, reading and compiling ~200 modules; one file with a code cache avoids it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fromDist, lazyChildProcess, planOnly, schemaFacades } from './plan-bundle-plugins';

const ROOT = join(__dirname, '..');
const OUT_DIR = join(ROOT, 'dist', 'fast');
/** Built aside and renamed into place: a concurrent `cogpack plan` sees the old bundle or the new one. */
const TMP_DIR = `${OUT_DIR}.${process.pid}`;
const BUNDLE = join(TMP_DIR, 'plan.js');
const WARM = join(ROOT, 'dist', 'src', 'startup', 'warm-plan-cache.js');
/** Schema modules whose zod schemas the bundle answers with generated checkers (zod only on a failure). */
const SCHEMA_MODULES = ['planner/plan-schema.js', 'planner/project/cog-yaml-schema.js', 'planner/project/pyproject-schema.js', 'planner/project/uv-lock-schema.js', 'planner/resolver/requests-schema.js'];
/** Projects the cache is warmed on: they cover CPU/GPU, torch, TF, uv, pyproject, weights paths. */
const WARM_FIXTURES = ['cpu-minimal', 'gpu-torch', 'tf-gpu', 'uv-lock', 'pyproject-app', 'requirements-indexes', 'weights'];

async function bundle(): Promise<void> {
  await build({
    // the tsc output, not src/: the bundle runs exactly the code dist/ runs (same module formats too)
    entryPoints: [join(ROOT, 'dist', 'src', 'cli.js')],
    absWorkingDir: ROOT,
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // identifiers keep their names: an internal error's one line quotes the runtime's message
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'external',
    logLevel: 'warning',
    plugins: [planOnly, lazyChildProcess, schemaFacades(SCHEMA_MODULES.map((m) => join(ROOT, 'dist', m)), OUT_DIR),
      fromDist([join(ROOT, 'dist', 'planner', 'data', 'schemas.js')], OUT_DIR),],
  });
}

function warmCache(): void {
  const dirs = WARM_FIXTURES.map((f) => join(ROOT, 'testdata', f)).filter((d) => existsSync(d));
  if (dirs.length === 0) return; // no fixtures (not a clone): the bundle runs without a cache
  // the user's environment (NODE_OPTIONS can carry V8 flags, which the cache must match), minus ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGPACK_')));
  const r = spawnSync(process.execPath, [WARM, BUNDLE, `${BUNDLE}.cache`, ...dirs], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`warming the plan code cache failed (exit ${r.status}): ${r.stderr}`);
}

async function main(): Promise<void> {
  mkdirSync(TMP_DIR, { recursive: true });
  await bundle();
  warmCache();
  rmSync(OUT_DIR, { recursive: true, force: true });
  renameSync(TMP_DIR, OUT_DIR);
}

main().catch((e: unknown) => {
  // without dist/fast/ bin/cogpack.js runs dist/ as before; the build still fails so that CI sees it
  rmSync(TMP_DIR, { recursive: true, force: true });
  rmSync(OUT_DIR, { recursive: true, force: true });
  process.stderr.write(`build-plan-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
