/** Bounded fuzzing in CI: 2,000 mutated packages, every read ends in a result or a PspfError, none slow. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { exercise, fuzz, seedPackages } from './fuzz';

test('seed packages are valid and fully readable', () => {
  for (const p of seedPackages()) expect(exercise(p)).toBe('accepted');
});

test('2,000 mutated packages: zero crashes, zero hangs', () => {
  const r = fuzz(2000, 20251122, 5000); // a hang never ends; 5 s only absorbs a loaded CI machine
  expect(r.failures).toEqual([]);
  expect(r.iterations).toBe(2000);
  expect(r.rejected).toBeGreaterThan(1000); // the mutations really do hit the checks
}, 120_000);

describe('npm run fuzz:pspf arguments', () => {
  const script = path.join(__dirname, '../../scripts/fuzz-pspf.ts');
  const tsx = path.join(__dirname, '../../node_modules/.bin/tsx');
  const run = (...args: string[]) => spawnSync(tsx, [script, ...args], { encoding: 'utf8', timeout: 60_000 });

  test('--help prints the usage and runs nothing', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run fuzz:pspf/);
    expect(r.stdout + r.stderr).not.toMatch(/iterations \d+/);
  }, 60_000);

  test('an unknown argument or a bad number is a usage error (exit 2), not a run', () => {
    for (const args of [['--bogus'], ['--iterations'], ['--iterations', 'many'], ['-n', '5']]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^fuzz:pspf: /);
    }
  }, 120_000);

  test('--iterations runs that many', () => {
    const r = run('--iterations', '20', '--seed', '3');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fuzz:pspf seed 3: iterations 20 +failures 0/);
  }, 60_000);
});
