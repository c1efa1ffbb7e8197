/**
 * `npm run bench:frontend`: the same project built warm through the frontend image (`docker buildx build
 * --build-arg BUILDKIT_SYNTAX=…`) and through `cogpack build`, alternating, in one run; prints the median
 * wall times, their ratio (target ≤ 1.2×), whether both gave the same image, and the frontend image's size.
 * Each round also times a fully cached two-line Dockerfile through the same `docker buildx build --load`: the
 * buildx floor (client start, session, export, load) that any frontend pays, so (frontend − floor) is ours.
 * Options: --rounds N (default 3), --torch-mb N (size of the torch stand-in wheel, default 50).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import { frontendBuildArgs } from '../src/testing/frontend-image';
import { writeProject, writeWheels } from './build-project';
import { cogpackRunner } from './build-runners';
import { median, numberArg as arg, timed } from './measure';

const TARGET_RATIO = 1.2;
/** a local image every setup has (buildkit:up makes it), so the floor never pulls */
const FLOOR_BASE = 'cogpack.local/debian-python:bookworm';

function frontendImage(env: DaemonEnv): { image: string; seconds: number } {
  const t0 = performance.now();
  const res = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'frontend-image.sh')], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`frontend-image.sh failed:\n${res.stderr}`);
  return { image: res.stdout.trim().split('\n').pop() as string, seconds: (performance.now() - t0) / 1000 };
}

function frontendBuild(env: DaemonEnv, image: string, dir: string, tag: string): void {
  docker(env, frontendBuildArgs(image, env, 'cog.yaml', ['-t', tag, '--load']), { cwd: dir });
}

/** The floor: a trivial Dockerfile on the runtime base (cached after the warm-up), same flags as frontendBuild. */
function writeFloorProject(dir: string, base: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo cogpack-bench-floor > /floor\n`);
}

function floorBuild(env: DaemonEnv, dir: string, tag: string): void {
  docker(env, ['buildx', 'build', '--progress', 'plain', '--provenance=false', '-t', tag, '--load', '.'], { cwd: dir });
}

const imageId = (env: DaemonEnv, ref: string): string => docker(env, ['image', 'inspect', '--format', '{{.Id}}', ref]).trim();
const imageSize = (env: DaemonEnv, ref: string): number => Number(docker(env, ['image', 'inspect', '--format', '{{.Size}}', ref]).trim());

function main(): void {
  const env = daemonEnv();
  if (!env) {
    console.log(`bench:frontend skipped: ${NO_DAEMON_MESSAGE}`);
    return;
  }
  const rounds = arg('rounds', 3);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-bench-frontend-'));
  const wheels = path.join(work, 'wheels-src');
  const dir = path.join(work, 'project');
  fs.mkdirSync(wheels, { recursive: true });
  writeWheels(wheels, { torchBytes: arg('torch-mb', 50) << 20 });
  writeProject(dir, wheels);

  const floorDir = path.join(work, 'floor');
  writeFloorProject(floorDir, FLOOR_BASE);
  const { image, seconds: imageSeconds } = frontendImage(env);
  const cli = cogpackRunner(env, 'cogpack-bench/frontend-cli:latest');
  const feTag = 'cogpack-bench/frontend-fe:latest';
  process.stderr.write('bench:frontend: warming the cache with one build per path\n');
  cli.build(dir);
  frontendBuild(env, image, dir, feTag);
  const floorTag = 'cogpack-bench/frontend-floor:latest';
  floorBuild(env, floorDir, floorTag);

  const cliMs: number[] = [];
  const feMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    cliMs.push(timed(() => cli.build(dir)));
    feMs.push(timed(() => frontendBuild(env, image, dir, feTag)));
    floorMs.push(timed(() => floorBuild(env, floorDir, floorTag)));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stderr.write(`bench:frontend: round ${i + 1}: cli ${s(cliMs[i])}, frontend ${s(feMs[i])}, buildx floor ${s(floorMs[i])}\n`);
  }
  const ratio = median(feMs) / median(cliMs);
  const paired = median(feMs.map((m, i) => m / cliMs[i])); // rounds alternate, so load drift hits both alike
  const ours = feMs.map((m, i) => m - floorMs[i]); // what the frontend adds over buildx's own cost, per round
  const same = imageId(env, cli.tag) === imageId(env, feTag);
  const size = imageSize(env, image);
  const base = imageSize(env, process.env.COGPACK_FRONTEND_BASE ?? 'cogpack.local/debian-node:trixie');
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`project: bench/build-project.ts (apt jq, ${arg('torch-mb', 50)} MB torch stand-in, 2 small wheels), warm cache, ${rounds} rounds`);
  console.log(`cogpack build (compiled CLI)       median ${(median(cliMs) / 1000).toFixed(2)} s  [${cliMs.map((m) => (m / 1000).toFixed(2)).join(', ')}]`);
  console.log(`docker buildx build + frontend     median ${(median(feMs) / 1000).toFixed(2)} s  [${feMs.map((m) => (m / 1000).toFixed(2)).join(', ')}]`);
  console.log(
    `docker buildx build, trivial cached median ${(median(floorMs) / 1000).toFixed(2)} s  [${floorMs.map((m) => (m / 1000).toFixed(2)).join(', ')}]  (buildx floor)`,
  );
  console.log(
    `frontend - floor (per round)       median ${(median(ours) / 1000).toFixed(2)} s  vs CLI ${(median(cliMs) / 1000).toFixed(2)} s: ${(median(ours) / median(cliMs)).toFixed(2)}x (not the target; the target is the line below)`,
  );
  console.log(
    `frontend / CLI                     ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}); median per-round ratio ${paired.toFixed(2)}x`,
  );
  console.log(`same image from both paths         ${same ? 'yes' : 'NO'}`);
  console.log(
    `frontend image ${image}: ${mb(size)} (node + its libraries + the bundle; the Node base it takes them from: ${mb(base)}); built in ${imageSeconds.toFixed(1)} s`,
  );
  fs.rmSync(work, { recursive: true, force: true });
}

main();
