/**
 * Bounded fuzzing of the native launcher: mutated packages must fail closed with a launcher exit code
 * (or run, when the edit hit bytes no check covers) and never crash on a signal or hang.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { launcherBytes } from './build-launcher';
import { writeTar } from '../tar-writer';
import { writePackage } from '../writer';
import { runEnv, runPackage, shellAppSlots, tempDir } from './test-packages';

jest.setTimeout(300_000);

const ROUNDS = Number(process.env.PSPF_LAUNCHER_FUZZ_ROUNDS ?? 80);
const LAUNCHER_CODES = [102, 103, 106, 107];

let dir: string;
beforeAll(() => (dir = tempDir('fuzz')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Deterministic PRNG so a failure can be replayed from its round number. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}

function run(bytes: Buffer, i: number): { status: number | null; stderr: string } {
  const file = path.join(dir, `m${i}.psp`);
  fs.writeFileSync(file, bytes, { mode: 0o755 });
  const r = runPackage(file, [], runEnv(path.join(dir, `cache-${i}`)));
  fs.rmSync(file);
  fs.rmSync(path.join(dir, `cache-${i}`), { recursive: true, force: true });
  return r;
}

describe('launcher fuzzing', () => {
  test(`${ROUNDS} packages with random byte edits after the launcher region`, () => {
    const launcher = launcherBytes();
    const base = writePackage({
      launcher,
      metadata: { package: { name: 'fz', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/bin/app.sh' } },
      slots: [
        ...shellAppSlots('exit 0'),
        { id: 'cfg', content: { kind: 'bytes', data: Buffer.from('k=v\n'.repeat(50)) }, operations: 'gzip', target: '{workenv}/etc/cfg' },
      ],
      keys: { seed: 'fuzz' },
    });
    const next = rng(1234);
    const seen = new Map<number | null, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const m = Buffer.from(base);
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) m[launcher.length + Math.floor(next() * (m.length - launcher.length))] ^= 1 + Math.floor(next() * 255);
      const bytes = next() < 0.1 ? m.subarray(0, launcher.length + Math.floor(next() * (m.length - launcher.length))) : m;
      const r = run(bytes, i);
      seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
      expect([0, ...LAUNCHER_CODES]).toContain(r.status); // null would be a signal (crash) or the timeout
      if (r.status !== 0) expect(r.stderr.trim().split('\n').pop()).toMatch(/^pspf-launcher: /);
    }
    expect(seen.get(107) ?? 0).toBeGreaterThan(0);
  });

  test(`${ROUNDS} correctly signed packages whose tar and gzip slot data are mutated`, () => {
    const next = rng(99);
    const tar = writeTar([
      { name: 'bin/app.sh', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\nexit 0\n') },
      { name: 'lib/a.txt', type: 'file', mode: 0o644, data: crypto.createHash('sha256').update('a').digest() },
      { name: 'lib/l', type: 'symlink', mode: 0o777, linkname: 'a.txt' },
    ]);
    const gz = zlib.gzipSync(tar);
    for (let i = 0; i < ROUNDS; i++) {
      const useGz = i % 2 === 1;
      const m = Buffer.from(useGz ? gz : tar);
      const span = useGz ? m.length : 2048; // the tar headers live in the first blocks
      for (let e = 0; e < 1 + Math.floor(next() * 6); e++) m[Math.floor(next() * span)] ^= 1 + Math.floor(next() * 255);
      const bytes = writePackage({
        launcher: launcherBytes(),
        metadata: { package: { name: 'fz', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/bin/app.sh' } },
        slots: [{ id: 'app', content: { kind: 'bytes', data: m }, operations: useGz ? 'tar.gz' : 'tar', target: '{workenv}' }],
        keys: { seed: 'fuzz' },
      });
      const r = run(bytes, 1000 + i);
      expect([0, 104, ...LAUNCHER_CODES, 126, 127]).toContain(r.status);
    }
  });
});
