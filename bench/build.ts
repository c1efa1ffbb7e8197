/**
 * `npm run bench:build`: builds the same model project with cogpack and with a cog-style Dockerfile through the
 * same daemon (cold, no-op rebuild, code edit, requirements edit, apt edit) and prints wall times, ratios, image
 * sizes and reused layers. Options: --torch-mb N (size of the torch stand-in, default 200), --only cogpack|Dockerfile,
 * --prune (empty the daemon's build cache before each series).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import localImages from '../src/testing/local-images.json';
import { applyEdit, writeProject, writeWheels, type EditKind } from './build-project';
import { cogpackRunner, dockerfileRunner, type Breakdown, type Runner } from './build-runners';

type Step = 'cold' | 'no-op' | EditKind;
const STEPS: readonly Step[] = ['cold', 'no-op', 'code', 'requirements', 'apt'];
const TARGETS: Partial<Record<Step | 'size', number>> = { 'no-op': 1.1, code: 1.0, requirements: 0.5, size: 1.0 };

interface Measure {
  ms: number;
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

function series(env: DaemonEnv, runner: Runner, projectDir: string, wheelsDir: string): Record<Step, Measure> {
  writeProject(projectDir, wheelsDir);
  // Without --prune, "cold" means no cache for this project's own stages; steps that only depend on the base
  // image's digest (base, an apt stage seen before) may still come from earlier builds, for both builders alike.
  // --prune empties the daemon's whole build cache (cache mounts too): truly cold, but it slows everyone sharing it.
  if (process.argv.includes('--prune')) docker(env, ['builder', 'prune', '-af']);
  docker(env, ['image', 'rm', '-f', runner.tag]);
  const result = {} as Record<Step, Measure>;
  let previous: string[] = [];
  for (const step of STEPS) {
    if (step !== 'cold' && step !== 'no-op') applyEdit(projectDir, step);
    const t0 = performance.now();
    const breakdown = runner.build(projectDir);
    const ms = performance.now() - t0;
    const info = imageInfo(env, runner.tag);
    const before = new Set(previous);
    result[step] = { ms, ...info, reused: info.layers.filter((l) => before.has(l)).length, breakdown };
    if (step === 'cold') checkRuns(env, runner.tag);
    process.stderr.write(`bench:build: ${runner.name} ${step}: ${(ms / 1000).toFixed(1)} s, ${info.layers.length} layers\n`);
    previous = info.layers;
  }
  return result;
}

const secs = (m?: Measure): string => (m ? (m.ms / 1000).toFixed(1) : '–');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function verdict(key: Step | 'size', ratio: number): string {
  const target = TARGETS[key];
  if (target === undefined || !Number.isFinite(ratio)) return '';
  return `${ratio <= target ? 'ok' : 'MISSED'} (≤ ${target.toFixed(1)}×)`;
}

function table(c: Record<Step, Measure> | undefined, d: Record<Step, Measure> | undefined): string {
  const rows = [
    '| step | cogpack s | Dockerfile s | ratio | cogpack layers reused | Dockerfile layers reused | target |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const step of STEPS) {
    const ratio = c && d ? c[step].ms / d[step].ms : NaN;
    const reused = (m?: Measure): string => (m ? (step === 'cold' ? `${m.layers.length} layers` : `${m.reused}/${m.layers.length}`) : '–');
    rows.push(`| ${step} | ${secs(c?.[step])} | ${secs(d?.[step])} | ${Number.isFinite(ratio) ? ratio.toFixed(2) + '×' : '–'} | ${reused(c?.[step])} | ${reused(d?.[step])} | ${verdict(step, ratio)} |`);
  }
  const size = c && d ? c.cold.size / d.cold.size : NaN;
  rows.push(`| image size (cold, compressed) | ${c ? mb(c.cold.size) : '–'} | ${d ? mb(d.cold.size) : '–'} | ${Number.isFinite(size) ? size.toFixed(2) + '×' : '–'} | | | ${verdict('size', size)} |`);
  return rows.join('\n');
}

/** Where cogpack's time went per step, so a missed target points at its cause. */
function breakdownTable(c: Record<Step, Measure> | undefined): string {
  if (!c) return '';
  const rows = ['| cogpack step | plan s | load contexts s | RUN steps s | export s | stages rebuilt |', '|---|---:|---:|---:|---:|---|'];
  for (const step of STEPS) {
    const b = c[step].breakdown;
    if (!b) continue;
    rows.push(`| ${step} | ${b.plan.toFixed(2)} | ${b.contexts.toFixed(1)} | ${b.execs.toFixed(1)} | ${b.export.toFixed(1)} | ${b.rebuilt.join(', ') || 'none'} |`);
  }
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
  const only = option('--only');
  const work = path.join(REPO_ROOT, 'bench', 'out', 'build');
  const wheels = path.join(work, 'wheels');
  fs.mkdirSync(work, { recursive: true });
  writeWheels(wheels, { torchBytes: torchMb << 20 });
  const project = path.join(work, 'project');
  // A base name of the benchmark's own (same image, new tag), so its image names stay apart from other builds'.
  const base = `docker.io/cogpack-bench/python:run-${process.pid}-${Date.now()}`;
  docker(env, ['tag', localImages.images.python.ref, base]);
  const benchEnv: DaemonEnv = { ...env, COGPACK_IMAGE_MAP: `docker.io/library/python:3.11-slim=${base}` };
  let c: Record<Step, Measure> | undefined;
  let d: Record<Step, Measure> | undefined;
  try {
    if (!only || only === 'cogpack') c = series(benchEnv, cogpackRunner(benchEnv, 'cogpack-bench/cogpack:latest'), project, wheels);
    if (!only || only === 'Dockerfile') d = series(env, dockerfileRunner(env, 'cogpack-bench/dockerfile:latest', work, base), project, wheels);
  } finally {
    docker(env, ['image', 'rm', base]); // only the tag: the content stays with the local image
  }
  process.stdout.write(`bench:build — torch stand-in ${torchMb} MiB (incompressible), apt jq(+bc), 2→3 small wheels; ratio = cogpack / Dockerfile\n\n`);
  process.stdout.write(table(c, d) + '\n');
  if (c) process.stdout.write('\n' + breakdownTable(c) + '\n');
}

main();
