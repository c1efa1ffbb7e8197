/**
 * The apt stage on the real daemon: a Debian Python package installed by build.system_packages keeps
 * valid bytecode after the squash copy resets every mtime (llb SQUASH_MTIME_NS), so an import neither
 * recompiles nor needs a writable root.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { progressSink, REPO } from '../src/testing/build-support';
import { describeWithDaemon, docker, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(900_000);

// python3-six: small, pure Python, byte-compiled by its postinst (py3compile) into the apt layer
const PYC = '/usr/lib/python3/dist-packages/__pycache__/six.cpython-311.pyc';
// the pyc's flags word (0 = timestamp, 3 = checked hash) and whether an import left its bytes alone
const PYC_CHECK = [
  'import hashlib, importlib',
  `p = '${PYC}'`,
  'h = lambda: hashlib.sha256(open(p, "rb").read()).hexdigest()',
  'before = h(); flags = int.from_bytes(open(p, "rb").read()[4:8], "little")',
  'importlib.import_module("six")',
  'print("flags", flags, "same", before == h())',
].join('\n');

describeWithDaemon('apt stage bytecode on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/apt-pyc:${process.pid}`;

  const aptLayers: string[] = [];

  beforeAll(async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\n  system_packages:\n    - python3-six\nrun: "predict.py:Predictor"\n',
    });
    copyFileSync(join(REPO, 'testdata', 'cpu-minimal', 'predict.py'), join(dir, 'predict.py'));
    // twice without cache: the apt layer (with its bytecode) must stay reproducible under the fix
    for (const t of [`${tag}-a`, tag]) {
      const s = await buildProject(dir, { cogSdk: 'none', env, noCache: true, progress: 'quiet', progressOut: progressSink().out, tags: [t] });
      aptLayers.push(s.layers.find((l) => l.stage === 'system:apt')!.diffId);
    }
  });

  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag, `${tag}-a`]));

  it('two --no-cache builds give the same apt layer', () => {
    expect(aptLayers).toHaveLength(2);
    expect(aptLayers[1]).toBe(aptLayers[0]);
  });

  it('the apt-installed module has checked-hash pycs that an import leaves unchanged', () => {
    const out = docker(denv, ['run', '--rm', '--network', 'none', '--entrypoint', 'python3', tag, '-c', PYC_CHECK]);
    expect(out).toContain('flags 3 same True');
  });

  it('imports from a read-only root straight from the pyc (python -v: not stale, nothing to rewrite)', () => {
    const run = dockerTry(denv, ['run', '--rm', '--read-only', '--network', 'none', '--entrypoint', 'python3', tag, '-v', '-c', 'import six']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`code object from '${PYC}'`);
    expect(run.stderr).not.toContain('bytecode is stale');
  });
});
