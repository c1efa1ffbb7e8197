/**
 * The psp build output on a real image: the Debian python image from the local daemon gets a dependency
 * installed by real pip from a local wheel, its filesystem is exported, assembled into a .psp, and the
 * package runs on this host and in an empty root filesystem (no libc, no python, no shell).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWheel, describeWithDaemon, docker, dockerTry } from '../testing';
import { assemblePsp } from './build-output';
import { keyFromSeed } from './keys';
import { verifyPackage } from './verify';
import { flipByte, runEnv, runPackage, slotRegion, tempDir, workenvKeyOf, workenvOf } from './launcher/test-packages';

jest.setTimeout(600_000);

const IMAGE = 'cogpack.local/debian-python:bookworm';
const EMPTY_IMAGE = 'cogpack.local/psp-empty:test';
const CLI = [
  'import os, sys, ssl, sqlite3',
  'from greetlib import greet',
  'def main():',
  '    print(greet(" ".join(sys.argv[1:]) or "world"))',
  '    print("exe", sys.executable)',
  '    print("ssl", ssl.OPENSSL_VERSION.split()[0], "sqlite", sqlite3.sqlite_version != "")',
  '    return 5',
  '',
].join('\n');

describeWithDaemon('psp build output from the real Debian python image', (denv) => {
  let work: string;
  let pkg: string;
  let secondIsIdentical = false;

  /** The image's filesystem after `pip install` of a local wheel, as BuildKit's local export would give it. */
  function exportRootfs(rootfs: string): void {
    const wheel = buildWheel(path.join(work, 'wheels'), {
      name: 'greetlib',
      version: '1.0.0',
      files: { 'greetlib/__init__.py': 'def greet(n):\n    return "hello, " + n\n' },
    });
    const name = `cogpack-psp-test-${process.pid}`;
    dockerTry(denv, ['rm', '-f', name]);
    docker(denv, [
      'run',
      '--name',
      name,
      '--network',
      'none',
      '-e',
      'PIP_BREAK_SYSTEM_PACKAGES=1',
      '-v',
      `${path.dirname(wheel.path)}:/w:ro`,
      IMAGE,
      'python3',
      '-m',
      'pip',
      'install',
      '--no-index',
      `/w/${wheel.filename}`,
    ]);
    docker(denv, ['export', '-o', path.join(work, 'rootfs.tar'), name]);
    docker(denv, ['rm', name]);
    fs.mkdirSync(rootfs);
    const tar = spawnSync('tar', ['-C', rootfs, '-xf', path.join(work, 'rootfs.tar')], { encoding: 'utf8' });
    expect(tar.status).toBe(0);
    fs.mkdirSync(path.join(rootfs, 'src/hello_app'), { recursive: true });
    fs.writeFileSync(path.join(rootfs, 'src/hello_app/__init__.py'), '');
    fs.writeFileSync(path.join(rootfs, 'src/hello_app/cli.py'), CLI);
  }

  beforeAll(() => {
    work = tempDir('build-output');
    const rootfs = path.join(work, 'rootfs');
    exportRootfs(rootfs);
    expect(fs.existsSync(path.join(rootfs, 'usr/local/lib/python3.11/dist-packages/greetlib/__init__.py'))).toBe(true);
    pkg = path.join(work, 'hello-app.psp');
    const opts = { name: 'hello-app', version: '1.0.0', entry: { name: 'hello', target: 'hello_app.cli:main' }, keys: { seed: 'build-output-test' } };
    const first = assemblePsp(rootfs, opts);
    fs.writeFileSync(pkg, first, { mode: 0o755 });
    secondIsIdentical = assemblePsp(rootfs, opts).equals(first);
    fs.rmSync(rootfs, { recursive: true, force: true });
  });

  test('the same filesystem and key give byte-identical packages, which our verifier accepts', () => {
    expect(secondIsIdentical).toBe(true);
    const report = verifyPackage(fs.readFileSync(pkg), { trustedPublicKey: keyFromSeed('build-output-test').publicKeyRaw });
    expect(report.problems).toEqual([]);
    expect(report.verdicts.valid).toBe(true);
    expect(report.metadata?.slots.map((s) => s.id)).toEqual(['runtime', 'dependencies', 'app']);
  });
  afterAll(() => {
    dockerTry(denv, ['rmi', '-f', EMPTY_IMAGE]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('runs the entry point on this host with its own interpreter and libraries, cold then warm', () => {
    const cache = path.join(work, 'cache');
    // hostile caller environment: none of it may reach the packaged interpreter
    const env = runEnv(cache, { PYTHONHOME: '/nonexistent', PYTHONPATH: '/nonexistent', LD_LIBRARY_PATH: '/nonexistent' });
    const cold = runPackage(pkg, ['there'], env);
    expect(cold.stderr).toMatch(/\[1\/3\] Extracting runtime\.\.\.\n\[2\/3\] Extracting dependencies\.\.\.\n\[3\/3\] Extracting app\.\.\./);
    expect(cold.status).toBe(5);
    expect(cold.stdout).toBe(`hello, there\nexe ${workenvOf(cache, pkg).dir}/root/usr/bin/python3.11\nssl OpenSSL sqlite True\n`);
    const warm = runPackage(pkg, [], env);
    expect(warm).toMatchObject({ status: 5, stderr: '' });
    expect(warm.stdout.split('\n')[0]).toBe('hello, world');
  });

  test('runs in an empty root filesystem: nothing from the host but the kernel', () => {
    const empty = path.join(work, 'empty');
    fs.mkdirSync(path.join(empty, 'tmp'), { recursive: true });
    fs.chmodSync(path.join(empty, 'tmp'), 0o1777);
    const tar = spawnSync('tar', ['-C', empty, '-cf', path.join(work, 'empty.tar'), '.']);
    expect(tar.status).toBe(0);
    docker(denv, ['import', path.join(work, 'empty.tar'), EMPTY_IMAGE]);
    const r = dockerTry(denv, [
      'run',
      '--rm',
      '--network',
      'none',
      '-e',
      'HOME=/tmp',
      '-v',
      `${pkg}:/hello-app.psp:ro`,
      EMPTY_IMAGE,
      '/hello-app.psp',
      'inside',
    ]);
    expect(r.status).toBe(5);
    expect(r.stdout.split('\n')[0]).toBe('hello, inside');
    expect(r.stdout).toMatch(new RegExp(`exe /tmp/\\.cache/flavor/workenv/${workenvKeyOf(pkg)}/root/usr/bin/python3\\.11`));
  });

  test('a corrupted runtime slot refuses to run', () => {
    const bad = path.join(work, 'bad.psp');
    fs.copyFileSync(pkg, bad);
    const { offset, size } = slotRegion(bad, 0);
    flipByte(bad, offset + Math.floor(size / 3));
    const r = runPackage(bad, [], runEnv(path.join(work, 'cache-bad')));
    expect(r).toMatchObject({ status: 107, stdout: '', stderr: 'pspf-launcher: slot 0 (runtime) checksum mismatch: the package is corrupt\n' });
  });
});
