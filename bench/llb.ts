/**
 * `npm run bench:llb`: Plan → LLB time (convert + marshal + validate) for the largest testdata fixture and
 * for a synthetic plan of 2,000 export stages; prints medians and ops/s.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { marshal, planToLlb, validateDefinition } from '../llb';
import { PlanGraph } from '../llb/convert/inputs';
import { samplePlan, syntheticPlan } from '../src/testing/sample-plan';
import type { PlanData } from '../planner/plan-schema';
import { planProject } from '../stacks/plan-project';
import { median } from './measure';

/** Wall time and CPU time (user+system) per run; on a shared, loaded machine the CPU figure is the steadier one. */
interface Sample {
  ms: number;
  cpuMs: number;
  ops: number;
  bytes: number;
}

function timeIt(plan: PlanData, runs: number): Sample {
  const times: number[] = [];
  const cpu: number[] = [];
  let ops = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = planToLlb(plan, { sessionId: 'bench' });
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    ops = r.ops.length + 1;
    bytes = r.definition.length;
  }
  return { ms: median(times), cpuMs: median(cpu), ops, bytes };
}

/** Split of the synthetic case: graph building, marshalling alone, validation alone. */
function phases(plan: PlanData): string {
  const t0 = performance.now();
  const graph = new PlanGraph(plan, {});
  const image = graph.stack('export', graph.exportStageIds(), 'image');
  const t1 = performance.now();
  const m = marshal(image);
  const t2 = performance.now();
  validateDefinition(m.definition);
  const t3 = performance.now();
  return `graph ${(t1 - t0).toFixed(1)} ms, marshal ${(t2 - t1).toFixed(1)} ms, validate ${(t3 - t2).toFixed(1)} ms`;
}

async function fixturePlans(): Promise<Array<[string, PlanData]>> {
  const root = path.join(__dirname, '..', 'testdata');
  const dirs = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => fs.statSync(path.join(root, d)).isDirectory())
        .sort()
    : [];
  const out: Array<[string, PlanData]> = [];
  if (dirs.length === 0) return [['src/testing/sample-plan (no testdata fixtures found)', samplePlan()]];
  for (const d of dirs) {
    try {
      out.push([d, (await planProject(path.join(root, d), { cogSdk: 'pypi', imageMap: {}, env: {} })).plan]);
    } catch {
      /* fixtures that are meant to fail planning are not benchmarked */
    }
  }
  return out;
}

function report(label: string, s: Sample): void {
  const rate = (ms: number) => Math.round((s.ops / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${label}: ${s.ops} ops, ${s.bytes} bytes; median wall ${s.ms.toFixed(2)} ms → ${rate(s.ms)} ops/s; ` +
      `median CPU ${s.cpuMs.toFixed(2)} ms → ${rate(s.cpuMs)} ops/s`,
  );
}

async function main(): Promise<void> {
  const plans = await fixturePlans();
  const sized = plans.map(([name, plan]) => [name, plan, planToLlb(plan).ops.length] as const).sort((a, b) => b[2] - a[2]);
  const [name, largest] = sized[0];
  timeIt(largest, 20); // warm up the JIT and the proto loader
  report(`largest fixture (${name}), 50 runs`, timeIt(largest, 50));
  const synthetic = syntheticPlan(2000);
  timeIt(synthetic, 1);
  report('synthetic 2,000 export stages, 5 runs', timeIt(synthetic, 5));
  console.log(`synthetic split: ${phases(synthetic)}`);
}

void main();
