/** The native launcher, built from src/pspf/launcher and run for real on packages made by our writer. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureLauncher } from './build-launcher';
import { keyFromSeed } from '../keys';
import {
  fixIndexChecksum,
  flipByte,
  packApp,
  runEnv,
  runPackage,
  runPackageAsync,
  shellAppSlots,
  slotRegion,
  tempDir,
  treeSlot,
  workenvOf,
} from './test-packages';

jest.setTimeout(180_000);

let dir: string;
beforeAll(() => {
  ensureLauncher();
  dir = tempDir('run');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const EXTRACTING = /\[1\/1\] Extracting app/;

describe('the launcher binary', () => {
  test('is a static linux/amd64 ELF: no program interpreter, no dynamic section', () => {
    const elf = fs.readFileSync(ensureLauncher());
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf[4]).toBe(2); // 64-bit
    expect(elf.readUInt16LE(18)).toBe(62); // EM_X86_64
    const phoff = Number(elf.readBigUInt64LE(0x20));
    const types = Array.from({ length: elf.readUInt16LE(0x38) }, (_, i) => elf.readUInt32LE(phoff + i * elf.readUInt16LE(0x36)));
    expect(types).toContain(1); // PT_LOAD
    expect(types).not.toContain(3); // PT_INTERP: no dynamic loader needed
    expect(types).not.toContain(2); // PT_DYNAMIC: no shared libraries
  });
});

describe('running a packaged shell app', () => {
  test('cold run extracts, warm run reuses the cache; output and arguments pass through', () => {
    const pkg = packApp(dir, 'hello', shellAppSlots('echo "hello $*"'));
    const cache = path.join(dir, 'cache-hello');
    const cold = runPackage(pkg, ['a', 'b c'], runEnv(cache));
    expect(cold).toMatchObject({ status: 0, stdout: 'hello a b c\n' });
    expect(cold.stderr).toMatch(EXTRACTING);
    const script = path.join(workenvOf(cache, pkg).dir, 'bin/app.sh');
    const inode = fs.statSync(script).ino;
    const warm = runPackage(pkg, ['again'], runEnv(cache));
    expect(warm).toMatchObject({ status: 0, stdout: 'hello again\n', stderr: '' });
    expect(fs.statSync(script).ino).toBe(inode); // not re-extracted
    expect(fs.readFileSync(path.join(workenvOf(cache, pkg).meta, 'instance/package.checksum'), 'utf8')).toMatch(/^[0-9a-f]{8}$/);
  });

  test('the app exit code passes through', () => {
    const pkg = packApp(dir, 'exit7', shellAppSlots('echo bye; exit 7'));
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-exit7')));
    expect(r).toMatchObject({ status: 7, stdout: 'bye\n' });
  });

  test('a signal that kills the app reaches the caller (exec, no wrapper process)', () => {
    const pkg = packApp(dir, 'signal', shellAppSlots('echo "pid $$"; kill -TERM $$'));
    const r = spawnSync(pkg, [], { env: runEnv(path.join(dir, 'cache-signal')), encoding: 'utf8' });
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe(`pid ${r.pid}\n`); // the app ran in the launcher's own process
  });

  test('FLAVOR_WORKENV_CACHE=false forces a re-extraction', () => {
    const pkg = packApp(dir, 'force', shellAppSlots('echo ok'));
    const cache = path.join(dir, 'cache-force');
    expect(runPackage(pkg, [], runEnv(cache)).stderr).toMatch(EXTRACTING);
    expect(runPackage(pkg, [], runEnv(cache, { FLAVOR_WORKENV_CACHE: 'false' })).stderr).toMatch(EXTRACTING);
  });

  test('a rebuilt package under the same name replaces the stale cache', () => {
    const cache = path.join(dir, 'cache-v');
    const v1 = packApp(dir, 'ver', shellAppSlots('echo v1'));
    expect(runPackage(v1, [], runEnv(cache)).stdout).toBe('v1\n');
    const v2 = packApp(dir, 'ver', shellAppSlots('echo v2'));
    expect(runPackage(v2, [], runEnv(cache)).stdout).toBe('v2\n');
  });

  test('a Python hello app runs on the host python3', () => {
    const slots = [treeSlot('app', { 'app/hello.py': [0o644, 'import sys\nprint("hello from python", sys.argv[1:])\nsys.exit(3)\n'] })];
    const pkg = packApp(dir, 'pyhello', slots, { execution: { primary_slot: 0, command: 'python3 {workenv}/app/hello.py' } });
    const r = runPackage(pkg, ['x'], runEnv(path.join(dir, 'cache-py')));
    expect(r).toMatchObject({ status: 3, stdout: "hello from python ['x']\n" });
  });
});

describe('corruption', () => {
  test('one flipped byte in a slot: refuses to run, one-line reason, non-zero exit (cold and warm)', () => {
    const cache = path.join(dir, 'cache-corrupt');
    const pkg = packApp(dir, 'corrupt', shellAppSlots('echo SHOULD-NOT-RUN'));
    expect(runPackage(pkg, [], runEnv(cache)).status).toBe(0); // warm cache exists
    const { offset, size } = slotRegion(pkg, 0);
    flipByte(pkg, offset + Math.floor(size / 2));
    for (const env of [runEnv(cache), runEnv(path.join(dir, 'cache-corrupt-cold'))]) {
      const r = runPackage(pkg, [], env);
      expect(r.status).toBe(107);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual(['pspf-launcher: slot 0 (app) checksum mismatch: the package is corrupt']);
    }
  });

  test('a tampered index is refused by its Adler-32', () => {
    const pkg = packApp(dir, 'badindex', shellAppSlots('echo no'));
    flipByte(pkg, fs.statSync(pkg).size - 8196 + 700);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-badindex')));
    expect(r.status).toBe(107);
    expect(r.stderr).toMatch(/^pspf-launcher: index checksum mismatch/);
  });

  test('a wrong signature (index checksum recomputed) is refused', () => {
    const pkg = packApp(dir, 'badsig', shellAppSlots('echo SHOULD-NOT-RUN'));
    flipByte(pkg, fs.statSync(pkg).size - 8196 + 128 + 5);
    fixIndexChecksum(pkg);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-badsig')));
    expect(r).toMatchObject({ status: 107, stdout: '', stderr: 'pspf-launcher: metadata signature is invalid; refusing to run\n' });
  });

  test('FLAVOR_VALIDATION=relaxed only warns about a bad signature; a pinned key must match', () => {
    const pkg = packApp(dir, 'relaxed', shellAppSlots('echo ran'));
    const good = runPackage(
      pkg,
      [],
      runEnv(path.join(dir, 'cache-pin'), { COGPACK_PSPF_TRUSTED_KEY: keyFromSeed('launcher-test-relaxed').publicKeyRaw.toString('hex') }),
    );
    expect(good).toMatchObject({ status: 0, stdout: 'ran\n' });
    const wrong = runPackage(pkg, [], runEnv(path.join(dir, 'cache-pin'), { COGPACK_PSPF_TRUSTED_KEY: '00'.repeat(32) }));
    expect(wrong).toMatchObject({ status: 107, stdout: '', stderr: 'pspf-launcher: package is not signed by the trusted key\n' });
    flipByte(pkg, fs.statSync(pkg).size - 8196 + 128 + 5);
    fixIndexChecksum(pkg);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-relaxed'), { FLAVOR_VALIDATION: 'relaxed' }));
    expect(r).toMatchObject({ status: 0, stdout: 'ran\n' });
    expect(r.stderr).toMatch(/^pspf-launcher: warning: metadata signature is invalid \(FLAVOR_VALIDATION=relaxed\)/);
  });

  test('changed metadata bytes are refused by the metadata SHA-256', () => {
    const pkg = packApp(dir, 'badmeta', shellAppSlots('echo no'));
    const launcherSize = fs.statSync(ensureLauncher()).size;
    flipByte(pkg, launcherSize + 20);
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-badmeta')));
    expect(r).toMatchObject({ status: 107, stderr: 'pspf-launcher: metadata checksum mismatch\n' });
  });

  test('the bare launcher (no trailer) fails closed with 102', () => {
    const bare = path.join(dir, 'bare');
    fs.copyFileSync(ensureLauncher(), bare);
    fs.chmodSync(bare, 0o755);
    const r = runPackage(bare, [], runEnv(path.join(dir, 'cache-bare')));
    expect(r.status).toBe(102);
    expect(r.stderr).toBe('pspf-launcher: not a PSPF package: trailer magic missing\n');
  });
});

describe('concurrent first runs', () => {
  test('four simultaneous cold runs all succeed and exactly one extracts', async () => {
    const big = Buffer.alloc(8 << 20);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const slots = [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho ran\n'], 'data/blob': [0o644, big] })];
    const pkg = packApp(dir, 'race', slots);
    const env = runEnv(path.join(dir, 'cache-race'));
    const results = await Promise.all([1, 2, 3, 4].map(() => runPackageAsync(pkg, [], env)));
    for (const r of results) expect(r).toMatchObject({ status: 0, stdout: 'ran\n' });
    expect(results.filter((r) => EXTRACTING.test(r.stderr))).toHaveLength(1);
    expect(fs.statSync(path.join(workenvOf(path.join(dir, 'cache-race'), pkg).dir, 'data/blob')).size).toBe(big.length);
  });
});

describe('FLAVOR_LAUNCHER_CLI', () => {
  const cli = (pkg: string, args: string[]) => runPackage(pkg, args, runEnv(path.join(dir, 'cache-cli'), { FLAVOR_LAUNCHER_CLI: '1' }));

  test('info, metadata, verify and run', () => {
    const pkg = packApp(dir, 'cli', shellAppSlots('echo "app $* cli=${FLAVOR_LAUNCHER_CLI:-unset}"'));
    const info = cli(pkg, ['info']);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/^package: cli 1\.0\.0\n/);
    expect(info.stdout).toMatch(/signature: valid\nslots: 1\n {2}\[0\] app: tar\.gz, \d+ bytes stored/);
    expect(JSON.parse(cli(pkg, ['metadata']).stdout).package).toEqual({ name: 'cli', version: '1.0.0' });
    expect(cli(pkg, ['verify'])).toMatchObject({ status: 0, stdout: 'OK: index, metadata, signature and 1 slot checksums verified\n' });
    expect(cli(pkg, ['run', 'x', 'y'])).toMatchObject({ status: 0, stdout: 'app x y cli=unset\n' });
    expect(cli(pkg, ['bogus']).status).toBe(105);
    const { offset, size } = slotRegion(pkg, 0);
    flipByte(pkg, offset + Math.floor(size / 2));
    expect(cli(pkg, ['verify'])).toMatchObject({ status: 107, stdout: '', stderr: 'pspf-launcher: slot 0 (app) checksum mismatch: the package is corrupt\n' });
  });
});
