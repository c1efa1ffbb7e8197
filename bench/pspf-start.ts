/**
 * Start-up cost of a packaged Python hello app: cold (empty cache, full verify + extract) and warm (cache
 * reused) runs of the .psp against running the same script with python3 directly. Prints medians and ratios.
 * FlavorPack's claim to compare with: < 50 ms warm, < 500 ms cold.
 * Usage: npx tsx bench/pspf-start.ts [runs] [PACKAGE.psp]  — a given package (e.g. one `cogpack build
 * --output type=psp` made, with its own Python runtime) is also timed cold and warm; its exit code is ignored.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packApp, runEnv, tempDir, treeSlot } from '../src/pspf/launcher/test-packages';

const RUNS = Number(process.argv[2] ?? 20);
const HELLO = 'print("hello")\n';

function timeOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv, check = true): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status === null || (check && (r.status !== 0 || r.stdout !== 'hello\n'))) throw new Error(`${cmd} failed: ${r.status} ${r.stderr}`);
  return ms;
}

/** Cold/warm medians of a package built elsewhere (a real Python runtime inside). */
function timeGiven(pkg: string, runs: number, dir: string): void {
  const cache = path.join(dir, 'cache-given');
  const env = runEnv(cache);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(cache, { recursive: true, force: true });
    cold.push(timeOnce(pkg, [], env, false));
    warm.push(timeOnce(pkg, [], env, false));
  }
  console.log(`${path.basename(pkg)}: ${(fs.statSync(pkg).size / 1e6).toFixed(1)} MB`);
  report('  cold (verify + extract all slots)', cold);
  report('  warm (cache reused)', warm);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function report(label: string, times: number[]): number {
  const m = median(times);
  console.log(
    `${label.padEnd(34)} median ${m.toFixed(1).padStart(7)} ms   min ${Math.min(...times)
      .toFixed(1)
      .padStart(7)} ms   (n=${times.length})`,
  );
  return m;
}

/** Interleaved (direct, cold, warm) per round, so load changes on a shared machine hit all three alike. */
function rounds(n: number, python: string, script: string, pkg: string, cache: string, env: NodeJS.ProcessEnv): number[][] {
  const out: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    out[0].push(timeOnce(python, [script], env));
    fs.rmSync(cache, { recursive: true, force: true });
    out[1].push(timeOnce(pkg, [], env));
    out[2].push(timeOnce(pkg, [], env));
  }
  return out;
}

function main(): void {
  const dir = tempDir('bench');
  const script = path.join(dir, 'hello.py');
  fs.writeFileSync(script, HELLO);
  const pkg = packApp(dir, 'hello', [treeSlot('app', { 'app/hello.py': [0o644, HELLO] })], {
    execution: { primary_slot: 0, command: 'python3 {workenv}/app/hello.py' },
  });
  const cache = path.join(dir, 'cache');
  const env = runEnv(cache);
  const python = spawnSync('sh', ['-c', 'command -v python3'], { env, encoding: 'utf8' }).stdout.trim(); // the one the package runs
  console.log(`pspf start-up: ${path.basename(pkg)} ${fs.statSync(pkg).size} bytes (launcher + 1 tar.gz slot), python ${python}`);
  timeOnce(python, [script], env); // warm the page cache
  const [d, c, w] = rounds(RUNS, python, script, pkg, cache, env);
  const direct = report('python3 hello.py (direct)', d);
  const cold = report('.psp cold (empty cache)', c);
  const warm = report('.psp warm (cache reused)', w);
  console.log(`warm overhead: ${(warm - direct).toFixed(1)} ms over direct, ratio warm/direct ${(warm / direct).toFixed(2)}x (claim: < 50 ms)`);
  console.log(`cold overhead: ${(cold - direct).toFixed(1)} ms over direct, ratio cold/direct ${(cold / direct).toFixed(2)}x (claim: < 500 ms)`);
  if (process.argv[3]) timeGiven(path.resolve(process.argv[3]), Math.min(RUNS, 5), dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
