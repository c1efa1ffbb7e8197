/**
 * `npm run bench:plan`: start-up and planning speed of `cogpack plan --json` (the compiled CLI).
 * Per fixture: median wall time of the CLI against the median of `node -e 0` measured in the same
 * interleaved loop (target ≤ 1.5×), then a generated 20,000-file project (target: planned in < 1 s).
 * Prints figures only; it never fails on a missed target (CI load would make that flaky).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planProject } from '../stacks/plan-project';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'bin', 'cogpack.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(args: string[]): number {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COGPACK_')) delete env[k];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) {
    process.stdout.write('dist/ missing: running npm run build\n');
    spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  // without the bundle (tsc run alone) bin/cogpack.js measures the slower dist/ path
  const fast = existsSync(join(ROOT, 'dist', 'fast', 'plan.js'));
  process.stdout.write(`start-up path: ${fast ? 'dist/fast/plan.js (bundle + V8 code cache)' : 'dist/ (no dist/fast/plan.js: run npm run build)'}\n`);
}

function benchFixtures(): void {
  const fixtures = readdirSync(join(ROOT, 'testdata'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'errors' && e.name !== 'cog-schema')
    .map((e) => e.name)
    .sort();
  const allPlan: number[] = [];
  const allNode: number[] = [];
  process.stdout.write(`${'fixture'.padEnd(24)} ${'plan ms'.padStart(8)} ${'node ms'.padStart(8)} ratio\n`);
  for (const f of fixtures) {
    const plan: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      node.push(timed(['-e', '0']));
      plan.push(timed([CLI, 'plan', '--json', join('testdata', f)]));
    }
    allPlan.push(...plan);
    allNode.push(...node);
    const [p, n] = [median(plan), median(node)];
    process.stdout.write(`${f.padEnd(24)} ${p.toFixed(0).padStart(8)} ${n.toFixed(0).padStart(8)} ${(p / n).toFixed(2)}×\n`);
  }
  const [p, n] = [median(allPlan), median(allNode)];
  process.stdout.write(
    `ALL (${fixtures.length} fixtures × ${RUNS} runs): plan median ${p.toFixed(0)} ms, node -e 0 median ${n.toFixed(0)} ms, ratio ${(p / n).toFixed(2)}× (target ≤ 1.50×)\n`,
  );
}

/** 200 packages × 100 modules + a cog.yaml: a large but realistic tree (no big files). */
function makeBigProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cogpack-bench-'));
  writeFileSync(join(dir, 'cog.yaml'), 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n');
  writeFileSync(join(dir, 'requirements.txt'), 'torch==2.3.1\nnumpy==1.26.4\n');
  writeFileSync(
    join(dir, 'predict.py'),
    'from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n    def predict(self, x: int) -> int:\n        return x\n',
  );
  let n = 3;
  for (let d = 0; n < 20_000; d++) {
    mkdirSync(join(dir, 'src', `pkg${d}`), { recursive: true });
    for (let f = 0; f < 100 && n < 20_000; f++, n++) writeFileSync(join(dir, 'src', `pkg${d}`, `mod${f}.py`), `VALUE = ${f}\n`);
  }
  return dir;
}

async function benchBig(): Promise<void> {
  const dir = makeBigProject();
  try {
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await planProject(dir, { env: {} });
      inProcess.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) cli.push(timed([CLI, 'plan', '--json', dir]));
    process.stdout.write(
      `20,000-file project: planProject median ${median(inProcess).toFixed(0)} ms, CLI wall median ${median(cli).toFixed(0)} ms (target < 1000 ms)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  benchFixtures();
  await benchBig();
}

void main();
