/** Bounded fuzzing in CI: 2,000 mutated packages, every read ends in a result or a PspfError, none slow. */
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
