/** `npm run fuzz:pspf [-- --iterations N --seed S --hang-ms MS]`: mutated-package fuzzing of the PSPF reader; exit 1 on any crash or hang. */
import { performance } from 'node:perf_hooks';
import { fuzz, type FuzzResult } from '../src/pspf/fuzz';

const USAGE = `usage: npm run fuzz:pspf [-- [--iterations N] [--seed S] [--hang-ms MS]]

Mutates valid packages and reads each one the way verify/inspect/extract do; exits 1 if any read crashes
(an error other than PspfError) or takes longer than --hang-ms.
  --iterations N   mutated packages to try (default 100000)
  --seed S         PRNG seed, so a failure can be replayed (default 1)
  --hang-ms MS     a read slower than this counts as a hang (default 5000)
  -h, --help       print this help
`;

const DEFAULTS: Record<string, number> = { iterations: 100_000, seed: 1, 'hang-ms': 5000 };

/** Every argument must be a known `--name value` pair; anything else is a usage error (exit 2), never a run. */
export function parseArgs(argv: string[]): Record<string, number> | 'help' {
  const out = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (!(name in DEFAULTS)) throw new Error(`unknown argument "${a}"`);
    const v = Number(argv[i + 1]);
    if (argv[i + 1] === undefined || !Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
    out[name] = v;
  }
  return out;
}

function main(): void {
  let opts: Record<string, number> | 'help';
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz:pspf: ${(e as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') return void process.stdout.write(USAGE);
  const { iterations, seed, 'hang-ms': hangMs } = opts;
  const t0 = performance.now();
  const line = (r: FuzzResult): string => {
    const s = (performance.now() - t0) / 1000;
    return `iterations ${r.iterations}  failures ${r.failures.length}  rejected ${r.rejected}  accepted ${r.accepted}  rate ${(r.iterations / s).toFixed(0)}/s  slowest ${r.maxMs.toFixed(1)} ms  elapsed ${s.toFixed(1)} s`;
  };
  const result = fuzz(iterations, seed, hangMs, (r) => process.stderr.write(`${line(r)}\n`));
  process.stdout.write(`fuzz:pspf seed ${seed}: ${line(result)}\n`);
  for (const f of result.failures.slice(0, 20)) process.stdout.write(`  #${f.iteration} ${f.kind}: ${f.message}\n`);
  process.exitCode = result.failures.length === 0 ? 0 : 1;
}

main();
