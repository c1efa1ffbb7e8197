/**
 * `npm run bench:build`: builds the same model project with cogpack and with a cog-style Dockerfile through the
 * same daemon (cold, no-op rebuild, code edit, requirements edit, apt edit) and prints wall times, ratios, image
 * sizes and reused layers. The two builders run interleaved, step by step (each has its own copy of the project,
 * edited alike), and which one goes first alternates, so a noisy neighbour on the shared machine slows both alike.
 * Options: --repeat N (no-op and code-edit steps run N times each, the table shows medians; default 5),
 * --torch-mb N (size of the torch stand-in, default 200), --only cogpack|Dockerfile, --prune (empty the daemon's
 * whole build cache, cache mounts too, once before the two cold builds: truly cold, but it slows everyone
 * sharing the daemon; the two builders share no build step beyond the base image).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import localImages from '../src/testing/local-images.json';
import { applyEdit, writeProject, writeWheels, type EditKind } from './build-project';
import { PRIVATE_CLI, cogpackRunner, dockerfileRunner, type Breakdown, type Runner } from './build-runners';

type Step = 'cold' | 'no-op' | EditKind;
const STEPS: readonly Step[] = ['cold', 'no-op', 'code', 'requirements', 'apt'];
/** Steps cheap and noisy enough to repeat; the others change the project for good (or take minutes). */
const REPEATED: ReadonlySet<Step> = new Set(['no-op', 'code']);
const TARGETS: Partial<Record<Step | 'size', number>> = { 'no-op': 1.1, code: 1.0, requirements: 0.5, size: 1.0 };

interface Measure {
  /** median over the repeats */
  ms: number;
  all: number[];
  layers: string[];
  reused: number;
  size: number;
  breakdown?: Breakdown;
}

function imageInfo(env: DaemonEnv, tag: string): { layers: string[]; size: number } {
  const [layers, size] = docker(env, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}\t{{.Size}}', tag]).trim().split('\t');
  return { layers: JSON.parse(layers) as string[], size: Number(size) };
}

/** Proves the image is usable, not just built: the stand-in torch and a small requirement import. */
function checkRuns(env: DaemonEnv, tag: string): void {
  const out = docker(env, ['run', '--rm', '--network', 'none', tag, 'python', '-c', 'import torch, bench_tokenizer; print(torch.__version__)']);
  if (out.trim() !== '2.1.0') throw new Error(`${tag}: unexpected output ${out}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One builder's project copy, its image's layers so far, and its measures. */
interface Lane {
  runner: Runner;
  env: DaemonEnv;
  dir: string;
  previous: string[];
  result: Partial<Record<Step, Measure>>;
}

function buildOnce(lane: Lane, step: Step): { ms: number; breakdown?: Breakdown } {
  const t0 = performance.now();
  const breakdown = lane.runner.build(lane.dir);
  const ms = performance.now() - t0;
  process.stderr.write(`bench:build: ${lane.runner.name} ${step}: ${(ms / 1000).toFixed(2)} s\n`);
  return { ms, breakdown };
}

function record(lane: Lane, step: Step, runs: { ms: number; breakdown?: Breakdown }[]): void {
  const info = imageInfo(lane.env, lane.runner.tag);
  const before = new Set(lane.previous);
  const ms = runs.map((r) => r.ms);
  // the breakdown of the run whose time is the median (or the nearest above it)
  const mid = runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  lane.result[step] = { ms: median(ms), all: ms, ...info, reused: info.layers.filter((l) => before.has(l)).length, breakdown: mid.breakdown };
  if (step === 'cold') checkRuns(lane.env, lane.runner.tag);
  lane.previous = info.layers;
}

/** Every step for every lane, interleaved; the order of the lanes flips on every build. */
function interleaved(lanes: Lane[], repeat: number): void {
  let flip = 0;
  const ordered = (): Lane[] => (flip++ % 2 === 0 ? lanes : lanes.slice().reverse());
  for (const step of STEPS) {
    const runs = new Map<Lane, { ms: number; breakdown?: Breakdown }[]>(lanes.map((l) => [l, []]));
    const times = REPEATED.has(step) ? repeat : 1;
    // --prune: once, before both cold builds (a prune between them would also drop the first builder's cache)
    if (step === 'cold' && process.argv.includes('--prune')) docker(lanes[0].env, ['builder', 'prune', '-af']);
    for (let i = 0; i < times; i++) {
      for (const lane of ordered()) {
        if (step !== 'cold' && step !== 'no-op') applyEdit(lane.dir, step, `${process.pid}-${i}`);
        runs.get(lane)!.push(buildOnce(lane, step));
      }
    }
    for (const lane of lanes) record(lane, step, runs.get(lane)!);
  }
}

/** Without --prune, "cold" means no build cache above the run's own base image; cache mounts (apt archives, pip
 * wheels) may still hold earlier downloads, for both builders alike. */
function lane(runner: Runner, env: DaemonEnv, dir: string, wheels: string): Lane {
  writeProject(dir, wheels);
  docker(env, ['image', 'rm', '-f', runner.tag]);
  return { runner, env, dir, previous: [], result: {} };
}

const secs = (m?: Measure): string => (m ? (m.ms / 1000).toFixed(1) : '–');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function verdict(key: Step | 'size', ratio: number): string {
  const target = TARGETS[key];
  if (target === undefined || !Number.isFinite(ratio)) return '';
  return `${ratio <= target ? 'ok' : 'MISSED'} (≤ ${target.toFixed(1)}×)`;
}

function table(c: Partial<Record<Step, Measure>> | undefined, d: Partial<Record<Step, Measure>> | undefined): string {
  const rows = [
    '| step | cogpack s | Dockerfile s | ratio | cogpack layers reused | Dockerfile layers reused | target |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const step of STEPS) {
    const ratio = c?.[step] && d?.[step] ? c[step]!.ms / d[step]!.ms : NaN;
    const reused = (m?: Measure): string => (m ? (step === 'cold' ? `${m.layers.length} layers` : `${m.reused}/${m.layers.length}`) : '–');
    rows.push(
      `| ${step} | ${secs(c?.[step])} | ${secs(d?.[step])} | ${Number.isFinite(ratio) ? ratio.toFixed(2) + '×' : '–'} | ${reused(c?.[step])} | ${reused(d?.[step])} | ${verdict(step, ratio)} |`,
    );
  }
  const size = c?.cold && d?.cold ? c.cold.size / d.cold.size : NaN;
  rows.push(
    `| image size (cold, compressed) | ${c?.cold ? mb(c.cold.size) : '–'} | ${d?.cold ? mb(d.cold.size) : '–'} | ${Number.isFinite(size) ? size.toFixed(2) + '×' : '–'} | | | ${verdict('size', size)} |`,
  );
  return rows.join('\n');
}

/** Where cogpack's time went per step, so a missed target points at its cause. */
function breakdownTable(c: Partial<Record<Step, Measure>> | undefined): string {
  if (!c) return '';
  const rows = ['| cogpack step | plan s | load contexts s | RUN steps s | export s | stages rebuilt |', '|---|---:|---:|---:|---:|---|'];
  for (const step of STEPS) {
    const b = c[step]?.breakdown;
    if (!b) continue;
    rows.push(
      `| ${step} | ${b.plan.toFixed(2)} | ${b.contexts.toFixed(1)} | ${b.execs.toFixed(1)} | ${b.export.toFixed(1)} | ${b.rebuilt.join(', ') || 'none'} |`,
    );
  }
  return rows.join('\n');
}

/** Whether bin/cogpack.js starts `build` from its bundle (src/startup/build-bundle.ts) or from dist/. */
function startPath(): string {
  const dist = path.join(PRIVATE_CLI, 'dist'); // where build-runners.ts builds the CLI it runs
  const p = {
    bundle: path.join(dist, 'fast-build', 'build.js'),
    cache: path.join(dist, 'fast-build', 'build.js.cache'),
    distCli: path.join(dist, 'src', 'cli.js'),
  };
  const fresh = fs.existsSync(p.bundle) && fs.existsSync(p.distCli) && fs.statSync(p.bundle).mtimeMs >= fs.statSync(p.distCli).mtimeMs;
  return fresh
    ? `bundle + code cache (dist/fast-build/ of a private build, cache ${fs.existsSync(p.cache) ? 'present' : 'missing'})`
    : 'dist/ (no fresh bundle)';
}

/** Every repeated run, so the spread behind a median is visible. */
function runsTable(c: Partial<Record<Step, Measure>> | undefined, d: Partial<Record<Step, Measure>> | undefined): string {
  const rows = ['| step | cogpack runs s | Dockerfile runs s |', '|---|---|---|'];
  const list = (m?: Measure): string => (m ? m.all.map((x) => (x / 1000).toFixed(2)).join(' ') : '–');
  for (const step of STEPS) if (REPEATED.has(step)) rows.push(`| ${step} | ${list(c?.[step])} | ${list(d?.[step])} |`);
  return rows.join('\n');
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const env = daemonEnv();
  if (!env) {
    process.stderr.write(`bench:build: ${NO_DAEMON_MESSAGE}\n`);
    process.exit(3);
  }
  const torchMb = Number(option('--torch-mb') ?? 200);
  const repeat = Math.max(1, Number(option('--repeat') ?? 5));
  const only = option('--only');
  const work = path.join(REPO_ROOT, 'bench', 'out', 'build');
  const wheels = path.join(work, 'wheels');
  fs.mkdirSync(work, { recursive: true });
  writeWheels(wheels, { torchBytes: torchMb << 20 });
  // A base of the benchmark's own with one extra layer: BuildKit keys an image source by its layer chain, so no
  // step of this run is answered by an earlier run's cache (a new tag alone was: every step came back cached).
  const run = `${process.pid}-${Date.now()}`;
  const base = `docker.io/cogpack-bench/python:run-${run}`;
  docker(env, ['build', '-q', '-t', base, '-'], { input: `FROM ${localImages.images.python.ref}\nRUN echo ${run} > /etc/cogpack-bench-run\n` });
  const benchEnv: DaemonEnv = { ...env, COGPACK_IMAGE_MAP: `docker.io/library/python:3.11-slim=${base}` };
  const lanes: Lane[] = [];
  const load0 = os.loadavg()[0];
  try {
    if (!only || only === 'cogpack')
      lanes.push(lane(cogpackRunner(benchEnv, 'cogpack-bench/cogpack:latest'), benchEnv, path.join(work, 'project-cogpack'), wheels));
    if (!only || only === 'Dockerfile')
      lanes.push(lane(dockerfileRunner(env, 'cogpack-bench/dockerfile:latest', work, base), env, path.join(work, 'project-dockerfile'), wheels));
    interleaved(lanes, repeat);
  } finally {
    docker(env, ['image', 'rm', base]); // the run's base layer goes; the local image it extends stays
  }
  const c = lanes.find((l) => l.runner.name === 'cogpack')?.result;
  const d = lanes.find((l) => l.runner.name === 'Dockerfile')?.result;
  process.stdout.write(`bench:build — torch stand-in ${torchMb} MiB (incompressible), apt jq(+bc), 2→3 small wheels; ratio = cogpack / Dockerfile\n`);
  process.stdout.write(
    `cogpack CLI: ${c ? startPath() : '–'}; builders interleaved per step; no-op and code: median of ${repeat}; load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs\n\n`,
  );
  process.stdout.write(table(c, d) + '\n');
  if (c) process.stdout.write('\n' + breakdownTable(c) + '\n');
  process.stdout.write('\n' + runsTable(c, d) + '\n');
}

main();
