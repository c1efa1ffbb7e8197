/**
 * `npm run bench:schema`: for each predictor shape in testdata/cog-schema, the static OpenAPI schema
 * (planner/cog-schema, in process) against the runtime path it replaces: a container of the built image
 * (real cog SDK 0.13.6) running `python -m cog.command.openapi_schema`, i.e. container start + import.
 * One run each, in one process; the images are built first (not timed) and removed at the end.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { cogOpenApiSchema } from '../planner/cog-schema';
import { buildProject } from '../src/buildkit/build/build';
import { daemonEnv, docker, dockerTry, REPO_ROOT } from '../src/testing';
import { median, timed } from './measure';

const SDK = process.env.COGPACK_BENCH_COG_SDK ?? '/work/shared/cog-runtime/wheelhouse/cog-0.13.6-py3-none-any.whl';
const SHAPES_DIR = path.join(REPO_ROOT, 'testdata', 'cog-schema');

function staticSchema(dir: string): unknown {
  const cog = parse(fs.readFileSync(path.join(dir, 'cog.yaml'), 'utf8')) as Record<string, string>;
  const ref = (k: string) => ({ ref: cog[k], file: 'cog.yaml' });
  return cogOpenApiSchema({ root: dir, predict: ref(cog.run ? 'run' : 'predict'), ...(cog.train ? { train: ref('train') } : {}) });
}

async function main(): Promise<void> {
  const denv = daemonEnv();
  if (!denv) throw new Error('no Docker/BuildKit daemon answers: source the daemon env first (README: Tests)');
  const env = { ...process.env, ...denv };
  const shapes = fs
    .readdirSync(SHAPES_DIR)
    .filter((n) => fs.statSync(path.join(SHAPES_DIR, n)).isDirectory())
    .sort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-schema-'));
  const tags: string[] = [];
  try {
    const coldMs = timed(() => staticSchema(path.join(SHAPES_DIR, shapes[0])));
    process.stdout.write(`building ${shapes.length} images (not timed)…\n`);
    for (const s of shapes) {
      const dir = path.join(tmp, s);
      fs.cpSync(path.join(SHAPES_DIR, s), dir, { recursive: true });
      const tag = `cogpack-bench/schema-${s}:${process.pid}`;
      await buildProject(dir, { cogSdk: SDK, env, tags: [tag], progress: 'quiet', progressOut: fs.createWriteStream('/dev/null') });
      tags.push(tag);
    }
    // wall and CPU for the static path: on a loaded machine its few milliseconds of wall time are mostly waiting
    process.stdout.write(`${'shape'.padEnd(24)} ${'static ms'.padStart(10)} ${'(cpu ms)'.padStart(9)} ${'runtime ms'.padStart(11)} ${'ratio'.padStart(8)}\n`);
    const ratios: number[] = [];
    let staticSum = 0;
    let runtimeSum = 0;
    shapes.forEach((s, i) => {
      const c0 = process.cpuUsage();
      const st = timed(() => staticSchema(path.join(SHAPES_DIR, s)));
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1000;
      const t0 = performance.now();
      docker(denv, ['run', '--rm', '--network', 'none', tags[i], 'python', '-m', 'cog.command.openapi_schema']);
      const rt = performance.now() - t0;
      ratios.push(rt / st);
      staticSum += st;
      runtimeSum += rt;
      process.stdout.write(
        `${s.padEnd(24)} ${st.toFixed(2).padStart(10)} ${cpu.toFixed(2).padStart(9)} ${rt.toFixed(0).padStart(11)} ${`${(rt / st).toFixed(0)}x`.padStart(8)}\n`,
      );
    });
    process.stdout.write(
      `total: static ${staticSum.toFixed(1)} ms, runtime ${(runtimeSum / 1000).toFixed(1)} s (${shapes.length} shapes); median ratio ${median(ratios).toFixed(0)}x; first static call (module load, cold JIT) ${coldMs.toFixed(1)} ms\n`,
    );
  } finally {
    if (tags.length) dockerTry(denv, ['image', 'rm', '-f', ...tags]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:schema: ${(e as Error).message}\n`);
  process.exit(1);
});
