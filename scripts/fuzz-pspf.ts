/** `npm run fuzz:pspf [-- --iterations N --seed S]`: mutated-package fuzzing of the PSPF reader; exit 1 on any crash or hang. */
import { performance } from 'node:perf_hooks';
import { fuzz, type FuzzResult } from '../src/pspf/fuzz';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer`);
  return v;
}

const iterations = arg('iterations', 100_000);
const seed = arg('seed', 1);
const hangMs = arg('hang-ms', 5000);
const t0 = performance.now();
const line = (r: FuzzResult): string => {
  const s = (performance.now() - t0) / 1000;
  return `iterations ${r.iterations}  failures ${r.failures.length}  rejected ${r.rejected}  accepted ${r.accepted}  rate ${(r.iterations / s).toFixed(0)}/s  slowest ${r.maxMs.toFixed(1)} ms  elapsed ${s.toFixed(1)} s`;
};
const result = fuzz(iterations, seed, hangMs, (r) => process.stderr.write(`${line(r)}\n`));
process.stdout.write(`fuzz:pspf seed ${seed}: ${line(result)}\n`);
for (const f of result.failures.slice(0, 20)) process.stdout.write(`  #${f.iteration} ${f.kind}: ${f.message}\n`);
process.exitCode = result.failures.length === 0 ? 0 : 1;
