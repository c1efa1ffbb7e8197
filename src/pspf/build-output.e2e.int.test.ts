/**
 * The whole path, as a user runs it: `cogpack build DIR --output type=psp,dest=FILE` on a pyproject project
 * whose dependency is a local wheel; BuildKit builds the image from the plan, cogpack exports and packs it,
 * and the package runs the [project.scripts] entry point on this machine, cold then warm.
 * Goes through the CLI once `cogpack build` has the psp hook, through buildPsp() (also buildProject) until then.
 * Skips without a daemon.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWheel, daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT } from '../testing';
import { buildPsp } from './build-output';
import { keyFromSeed, privateKeyPem } from './keys';
import { verifyPackage } from './verify';
import { flipByte, runEnv, runPackage, slotRegion, tempDir } from './launcher/test-packages';

jest.setTimeout(900_000);

const KEY = keyFromSeed('cogpack-e2e');

/** The CLI path once src/commands/build.ts calls the psp hook; buildPsp (same buildProject underneath) before. */
const HAS_CLI_BUILD = fs.readFileSync(path.join(REPO_ROOT, 'src/commands/build.ts'), 'utf8').includes('runPspBuild');
const denv = daemonEnv();
const describeE2e = denv ? describe : (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${NO_DAEMON_MESSAGE})`, fn);

async function build(project: string, dest: string, privateKey: string): Promise<void> {
  const env = { ...process.env, ...denv };
  if (!HAS_CLI_BUILD) {
    await buildPsp(project, { dest, env, privateKey });
    return;
  }
  const args = ['build', project, '--output', `type=psp,dest=${dest}`, '--private-key', privateKey, '--progress', 'plain'];
  const cli = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(REPO_ROOT, 'src/cli.ts'), ...args], {
    env,
    encoding: 'utf8',
    timeout: 850_000,
  });
  if (cli.status !== 0) throw new Error(`cogpack build exited ${cli.status}: ${cli.stderr.trim().split('\n').slice(-5).join('\n')}`);
}

function writeProject(dir: string): void {
  fs.mkdirSync(path.join(dir, 'hello_app'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'pyproject.toml'),
    '[project]\nname = "hello-app"\nversion = "1.2.3"\nrequires-python = ">=3.11"\n\n[project.scripts]\nhello = "hello_app.cli:main"\n\n[tool.cogpack]\npython = "3.11"\n',
  );
  fs.writeFileSync(path.join(dir, 'hello_app/__init__.py'), '');
  fs.writeFileSync(
    path.join(dir, 'hello_app/cli.py'),
    'import sys\nfrom greetlib import greet\n\ndef main():\n    print(greet(" ".join(sys.argv[1:]) or "world"), sys.version_info[:2])\n    return 3\n',
  );
  const wheel = buildWheel(path.join(dir, 'wheels'), {
    name: 'greetlib',
    version: '1.0.0',
    files: { 'greetlib/__init__.py': 'def greet(n):\n    return "hello, " + n\n' },
  });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), `./wheels/${wheel.filename}\n`);
}

describeE2e(`cogpack build --output type=psp (${HAS_CLI_BUILD ? 'CLI' : 'buildPsp'})`, () => {
  let work: string;
  let pkg: string;

  beforeAll(async () => {
    work = tempDir('e2e');
    const project = path.join(work, 'hello-app');
    writeProject(project);
    pkg = path.join(work, 'out', 'hello-app.psp');
    fs.writeFileSync(path.join(work, 'key.pem'), privateKeyPem(KEY), { mode: 0o600 });
    await build(project, pkg, path.join(work, 'key.pem'));
  });

  test('the package is signed with the given key, and verify passes every check the launcher makes (real runtime tree)', () => {
    const bytes = fs.readFileSync(pkg);
    expect(bytes.subarray(bytes.length - 8196 + 64, bytes.length - 8196 + 96).equals(KEY.publicKeyRaw)).toBe(true);
    const r = verifyPackage(bytes, { trustedPublicKey: KEY.publicKeyRaw });
    expect(r.problems).toEqual([]);
    expect(r.verdicts).toMatchObject({ valid: true, slot_contents_ok: [true, true, true], slot_permissions_ok: [true, true, true] });
  });
  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  test('the package runs the entry point outside any container: output and exit code, cold then warm', () => {
    expect(fs.statSync(pkg).mode & 0o111).not.toBe(0);
    const cache = path.join(work, 'cache');
    const cold = runPackage(pkg, ['e2e'], runEnv(cache));
    expect(cold).toMatchObject({ status: 3, stdout: 'hello, e2e (3, 11)\n' });
    expect(cold.stderr).toMatch(/\[1\/3\] Extracting runtime/);
    const warm = runPackage(pkg, [], runEnv(cache));
    expect(warm).toMatchObject({ status: 3, stdout: 'hello, world (3, 11)\n', stderr: '' });
  });

  test('corrupting the package makes it refuse to run', () => {
    const bad = path.join(work, 'bad.psp');
    fs.copyFileSync(pkg, bad);
    const { offset, size } = slotRegion(bad, 1);
    flipByte(bad, offset + Math.floor(size / 2));
    const r = runPackage(bad, [], runEnv(path.join(work, 'cache-bad')));
    expect(r).toMatchObject({ status: 107, stdout: '' });
    expect(r.stderr).toBe('pspf-launcher: slot 1 (dependencies) checksum mismatch: the package is corrupt\n');
  });
});
