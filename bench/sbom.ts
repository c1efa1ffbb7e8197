/**
 * `npm run bench:sbom`: what `cogpack build --sbom` costs over the same build without it, in one run: a cold
 * build each (each on a base of its own, so neither is answered by the other's cache), then no-op rebuilds and
 * code-edit rebuilds alternating with and without --sbom (medians of --repeat N, default 5), and no-op rebuilds
 * with --sbom whose SBOM package cache (src/attest/sbom-cache.ts) is empty. Same project as bench:build
 * (apt jq, a torch stand-in of --torch-mb MiB, two small wheels). Target: --sbom adds ≤ 10 %.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import localImages from '../src/testing/local-images.json';
import { applyEdit, writeProject, writeWheels } from './build-project';
import { cogpackRunner, type Runner } from './build-runners';

const TARGET = 0.1;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timed(runner: Runner, dir: string, what: string): number {
  const t0 = performance.now();
  runner.build(dir);
  const ms = performance.now() - t0;
  process.stderr.write(`bench:sbom: ${runner.name} ${what}: ${(ms / 1000).toFixed(2)} s\n`);
  return ms;
}

/** A base of the run's own with one extra layer: BuildKit keys an image source by its layer chain, so it is cold. */
function runBase(env: DaemonEnv, label: string): string {
  const run = `${process.pid}-${Date.now()}-${label}`;
  const base = `docker.io/cogpack-bench/python:sbom-${run}`;
  docker(env, ['build', '-q', '-t', base, '-'], { input: `FROM ${localImages.images.python.ref}\nRUN echo ${run} > /etc/cogpack-bench-run\n` });
  return base;
}

interface Lane {
  plain: Runner;
  sbom: Runner;
  /** --sbom with an empty SBOM package cache each time */
  sbomNoCache: Runner;
  env: DaemonEnv;
  dir: string;
}

function main(): void {
  const env = daemonEnv();
  if (!env) {
    process.stderr.write(`bench:sbom: ${NO_DAEMON_MESSAGE}\n`);
    process.exit(3);
  }
  const torchMb = Number(option('--torch-mb') ?? 200);
  const repeat = Math.max(1, Number(option('--repeat') ?? 5));
  const work = path.join(REPO_ROOT, 'bench', 'out', 'sbom');
  const wheels = path.join(work, 'wheels');
  fs.mkdirSync(work, { recursive: true });
  writeWheels(wheels, { torchBytes: torchMb << 20 });
  const sbomCache = path.join(work, `sbom-cache-${process.pid}`);
  const bases = [runBase(env, 'plain'), runBase(env, 'sbom')];
  // with and without --sbom are other images (an index with an attestation manifest, or not): each keeps its tag,
  // so a rebuild exports what that tag already is, as a user's rebuilds do
  const tags = ['cogpack-bench/sbom-plain:latest', 'cogpack-bench/sbom-with:latest'];
  const load0 = os.loadavg()[0];
  const lanes: Lane[] = bases.map((base, i) => {
    const laneEnv: DaemonEnv = { ...env, COGPACK_IMAGE_MAP: `docker.io/library/python:3.11-slim=${base}` };
    const cached = { ...laneEnv, COGPACK_CACHE_DIR: sbomCache };
    const dir = path.join(work, `project-${i}`);
    writeProject(dir, wheels);
    return {
      plain: cogpackRunner(cached, tags[0], { name: 'without --sbom' }),
      sbom: cogpackRunner(cached, tags[1], { extra: ['--sbom'], name: 'with --sbom' }),
      sbomNoCache: cogpackRunner({ ...laneEnv, COGPACK_CACHE_DIR: '' }, tags[1], { extra: ['--sbom'], name: 'with --sbom, no SBOM cache' }),
      env: laneEnv,
      dir,
    };
  });
  const [a, b] = lanes;
  const rows: [string, number[], number[]][] = [];
  try {
    // cold: each lane on its own base; the order alternates with the repeats below
    rows.push(['cold (each on a base of its own)', [timed(a.plain, a.dir, 'cold')], [timed(b.sbom, b.dir, 'cold')]]);
    timed(b.plain, b.dir, 'warm-up (not counted)'); // lane b's image without --sbom, from cache, once
    const noop: [number[], number[], number[]] = [[], [], []];
    const code: [number[], number[]] = [[], []];
    for (let i = 0; i < repeat; i++) {
      // both lanes' images are now warm; lane b serves every warm measure so both flags see the same cache
      const order = i % 2 ? [0, 1] : [1, 0];
      for (const k of order) noop[k].push(timed(k ? b.sbom : b.plain, b.dir, 'no-op'));
      noop[2].push(timed(b.sbomNoCache, b.dir, 'no-op'));
      for (const k of order) {
        applyEdit(b.dir, 'code', `${process.pid}-${i}-${k}`);
        code[k].push(timed(k ? b.sbom : b.plain, b.dir, 'code edit'));
      }
    }
    rows.push(['no-op rebuild', noop[0], noop[1]], ['no-op rebuild, SBOM cache empty', noop[0], noop[2]], ['code-edit rebuild', code[0], code[1]]);
  } finally {
    for (const tag of tags) docker(env, ['image', 'rm', '-f', tag]);
    for (const base of bases) docker(env, ['image', 'rm', base]);
    fs.rmSync(sbomCache, { recursive: true, force: true });
  }
  process.stdout.write(
    `bench:sbom — torch stand-in ${torchMb} MiB, apt jq, 2 small wheels; median of ${repeat} for rebuilds; load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs\n\n`,
  );
  process.stdout.write('| build | without --sbom s | with --sbom s | added | target |\n|---|---:|---:|---:|---|\n');
  for (const [name, plain, withSbom] of rows) {
    const [p, s] = [median(plain), median(withSbom)];
    const added = (s - p) / p;
    process.stdout.write(
      `| ${name} | ${(p / 1000).toFixed(2)} | ${(s / 1000).toFixed(2)} | ${(added * 100).toFixed(0)} % | ${added <= TARGET ? 'ok' : 'MISSED'} (≤ ${TARGET * 100} %) |\n`,
    );
  }
  process.stdout.write(
    `\nruns (s): ${rows.map(([n, p, s]) => `${n}: ${p.map((x) => (x / 1000).toFixed(2)).join(' ')} | ${s.map((x) => (x / 1000).toFixed(2)).join(' ')}`).join('; ')}\n`,
  );
}

main();
