/**
 * Builds one command's fast start (used by scripts/build-plan-bundle.ts and build-build-bundle.ts, the
 * steps of `npm run build` after tsc): an esbuild bundle of dist/src/cli.js holding only that command,
 * plus its V8 code cache written by a warm-up script that runs the bundle on a few fixtures. Start-up of
 * a one-shot CLI is dominated by resolving, reading and compiling a few hundred modules; one file with a
 * code cache avoids it. bin/cogpack.js prefers the result (src/startup/plan-bundle.ts loadCommandBundle).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { commandOnly, fromDist, lazyChildProcess, schemaFacades } from './plan-bundle-plugins';

export const ROOT = join(__dirname, '..');

/** Schema modules whose zod schemas the bundles answer with generated checkers (zod only on a failure). */
export const SCHEMA_MODULES = [
  'planner/plan-schema.js',
  'planner/project/cog-yaml-schema.js',
  'planner/project/pyproject-schema.js',
  'planner/project/uv-lock-schema.js',
  'planner/resolver/requests-schema.js',
  'planner/inputs/schema.js',
];

/** esbuild options every cogpack bundle shares (the command bundles here, the frontend's in build-frontend-bundle.ts). */
export const BUNDLE_OPTIONS: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // identifiers keep their names: an internal error's one line quotes the runtime's message
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'external',
  logLevel: 'warning',
};

export interface CommandBundleSpec {
  command: string;
  /** the tsc output the bundle is made from (dist/, or a private copy) */
  dist: string;
  /** folder under `dist` that receives `<command>.js` and its `.cache` */
  outName: string;
  /** dist/src/startup/<warm>.js: runs the bundle on fixture dirs and writes the cache */
  warmScript: string;
  /** testdata/ fixtures the cache is warmed on */
  warmFixtures: string[];
  /** dist-relative files that stay runtime requires (code the command runs only on request) */
  keepFromDist: string[];
  warmTimeoutMs?: number;
}

async function bundle(spec: CommandBundleSpec, file: string, outDir: string): Promise<void> {
  await build({
    ...BUNDLE_OPTIONS,
    // the tsc output, not src/: the bundle runs exactly the code dist/ runs (same module formats too)
    entryPoints: [join(spec.dist, 'src', 'cli.js')],
    outfile: file,
    plugins: [
      commandOnly(spec.command),
      lazyChildProcess,
      schemaFacades(
        SCHEMA_MODULES.map((m) => join(spec.dist, m)),
        outDir,
      ),
      fromDist(
        spec.keepFromDist.map((m) => join(spec.dist, m)),
        outDir,
      ),
    ],
  });
}

function warmCache(spec: CommandBundleSpec, file: string): void {
  const dirs = spec.warmFixtures.map((f) => join(ROOT, 'testdata', f)).filter((d) => existsSync(d));
  if (dirs.length === 0) return; // no fixtures (not a clone): the bundle runs without a cache
  // the user's environment (NODE_OPTIONS can carry V8 flags, which the cache must match), minus ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGPACK_')));
  const warm = join(spec.dist, 'src', 'startup', `${spec.warmScript}.js`);
  const r = spawnSync(process.execPath, [warm, file, `${file}.cache`, ...dirs], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: spec.warmTimeoutMs,
  });
  if (r.status !== 0) throw new Error(`warming the ${spec.command} code cache failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
}

/**
 * Built aside and renamed into place, so a concurrent run sees the old bundle or the new one. On failure
 * no bundle is left (bin/cogpack.js then runs dist/) and the exit code is 1, so that CI sees it.
 */
export async function buildCommandBundle(spec: CommandBundleSpec): Promise<void> {
  const outDir = join(spec.dist, spec.outName);
  const tmpDir = `${outDir}.${process.pid}`;
  try {
    mkdirSync(tmpDir, { recursive: true });
    const file = join(tmpDir, `${spec.command}.js`);
    await bundle(spec, file, outDir);
    warmCache(spec, file);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmpDir, outDir);
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
    process.stderr.write(`${spec.command} bundle: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
