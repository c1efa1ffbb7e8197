/**
 * Third step of `npm run build` (after tsc and the plan bundle): bundles what `cogpack build` runs into
 * dist/fast-build/build.js with esbuild and writes its V8 code cache (build.js.cache), warmed by whole
 * builds against a fake daemon (src/startup/warm-build-cache.ts). bin/cogpack.js prefers it for `build`
 * (src/startup/build-bundle.ts). Uses the plan bundle's esbuild plugins, in a folder of its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { fromDist, lazyChildProcess, schemaFacades } from './plan-bundle-plugins';

const ROOT = join(__dirname, '..');
/** `--dist DIR`: another tsc output dir than dist/ (bench:build builds a private copy the shared dist/ cannot stale) */
const DIST = process.argv.includes('--dist') ? resolve(process.argv[process.argv.indexOf('--dist') + 1]) : join(ROOT, 'dist');
const OUT_DIR = join(DIST, 'fast-build');
/** Built aside and renamed into place: a concurrent `cogpack build` sees the old bundle or the new one. */
const TMP_DIR = `${OUT_DIR}.${process.pid}`;
const BUNDLE = join(TMP_DIR, 'build.js');
const WARM = join(DIST, 'src', 'startup', 'warm-build-cache.js');
/** Schema modules the planner's stubs stand in for (as in the plan bundle: zod only on a failure). */
const SCHEMA_MODULES = ['planner/plan-schema.js', 'planner/project/cog-yaml-schema.js', 'planner/project/pyproject-schema.js', 'planner/project/uv-lock-schema.js', 'planner/resolver/requests-schema.js'];
/** Projects the cache is warmed on: apt + local wheels, torch, uv, pyproject, secrets, weights. */
const WARM_FIXTURES = ['cpu-apt-wheel', 'cpu-minimal', 'gpu-torch', 'uv-lock', 'pyproject-app', 'build-run-secret', 'weights'];

/** Only the build command goes in: bin/cogpack.js uses this bundle for `build` alone. */
const buildOnly: Plugin = {
  name: 'build-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/(llb|plan|pspf)$/ }, (a) =>
      a.importer.endsWith(join('commands', 'index.js')) ? { path: a.path, external: true } : undefined,
    );
  },
};

async function bundle(): Promise<void> {
  await build({
    // the tsc output, not src/: the bundle runs exactly the code dist/ runs
    entryPoints: [join(DIST, 'src', 'cli.js')],
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
    plugins: [buildOnly, lazyChildProcess, schemaFacades(SCHEMA_MODULES.map((m) => join(DIST, m)), OUT_DIR),
      // required on demand only: data validation (COGPACK_VALIDATE_DATA=1), the docker config schema (registry auth)
      fromDist([join(DIST, 'planner', 'data', 'schemas.js'), join(DIST, 'src', 'buildkit', 'session', 'docker-config-schema.js')], OUT_DIR)],
  });
}

function warmCache(): void {
  const dirs = WARM_FIXTURES.map((f) => join(ROOT, 'testdata', f)).filter((d) => existsSync(d));
  if (dirs.length === 0) return; // no fixtures (not a clone): the bundle runs without a cache
  // the user's environment (NODE_OPTIONS can carry V8 flags, which the cache must match), minus ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGPACK_')));
  const r = spawnSync(process.execPath, [WARM, BUNDLE, `${BUNDLE}.cache`, ...dirs], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`warming the build code cache failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
}

async function main(): Promise<void> {
  mkdirSync(TMP_DIR, { recursive: true });
  await bundle();
  warmCache();
  rmSync(OUT_DIR, { recursive: true, force: true });
  renameSync(TMP_DIR, OUT_DIR);
}

main().catch((e: unknown) => {
  // without dist/fast-build/ bin/cogpack.js runs dist/ as before; the build still fails so that CI sees it
  rmSync(TMP_DIR, { recursive: true, force: true });
  rmSync(OUT_DIR, { recursive: true, force: true });
  process.stderr.write(`build-build-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
