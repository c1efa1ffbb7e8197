/**
 * File names that are not UTF-8 (legal on Linux) travel as bytes from the project to the image, as with
 * docker build: a file and a directory named with bytes 0xE9 / 0xFF, and a symlink to such a name, are
 * listed inside the built image with exactly those bytes. Skips without a daemon.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithDaemon, docker as dockerCli } from '../../testing';
import { spawnSync } from 'child_process';
import { buildPsp } from '../../pspf/build-output';
import { buildProject } from '../build/build';
import { dockerFromEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(600_000);

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

describeWithDaemon('file names that are not UTF-8 (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const docker = dockerFromEnv(env);
  const tag = 'cogpack-it/non-utf8:1';
  let root: string;

  let out: string | undefined;
  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    if (out) fs.rmSync(out, { recursive: true, force: true });
    dockerCli(denv, ['rmi', '-f', tag]);
  });

  it('land in the image under their exact bytes', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-non-utf8-'));
    fs.writeFileSync(path.join(root, 'cog.yaml'), 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n');
    fs.writeFileSync(path.join(root, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
    fs.writeFileSync(latin1(`${root}/caf\xe9.txt`), 'accent\n');
    fs.mkdirSync(latin1(`${root}/d\xff`));
    fs.writeFileSync(latin1(`${root}/d\xff/x\x80y.py`), 'X = 1\n');
    fs.symlinkSync(latin1('caf\xe9.txt'), latin1(`${root}/link\xe9`));

    await buildProject(root, { cogSdk: 'none', env, tags: [tag], progress: 'plain', progressOut: progressSink().out });
    // Python prints bytes as ASCII escapes, so the comparison sees every byte
    const script =
      "import os; print(sorted(os.listdir(b'/src'))); print(sorted(os.listdir(b'/src/d\\xff'))); print(os.readlink(b'/src/link\\xe9')); print(open(b'/src/caf\\xe9.txt').read().strip())";
    const run = await runImage(docker, tag, ['python', '-c', script]);
    expect(run.code).toBe(0);
    expect(run.output.trim().split(/\r?\n/)).toEqual([
      "[b'.cog', b'caf\\xe9.txt', b'cog.yaml', b'd\\xff', b'link\\xe9', b'predict.py']", // .cog: the OpenAPI schema layer
      "[b'x\\x80y.py']",
      "b'caf\\xe9.txt'",
      'accent',
    ]);
  });

  it('arrive in a --output type=local directory under the same bytes', async () => {
    expect(root).toBeDefined(); // the project of the test above
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-non-utf8-out-'));
    const dest = path.join(out, 'rootfs');
    await buildProject(root, { cogSdk: 'none', env, outputs: [`type=local,dest=${dest}`], progress: 'plain', progressOut: progressSink().out });
    const list = (dir: Buffer): string[] => (fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('latin1')).sort();
    expect(list(latin1(`${dest}/src`))).toEqual(['.cog', 'caf\xe9.txt', 'cog.yaml', 'd\xff', 'link\xe9', 'predict.py']);
    expect(list(latin1(`${dest}/src/d\xff`))).toEqual(['x\x80y.py']);
    expect(fs.readlinkSync(latin1(`${dest}/src/link\xe9`), { encoding: 'buffer' })).toEqual(latin1('caf\xe9.txt'));
    expect(fs.readFileSync(latin1(`${dest}/src/caf\xe9.txt`), 'utf8')).toBe('accent\n');
  });

  it('arrive in a --output type=psp package and its extraction under the same bytes', async () => {
    const proj = path.join(out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-non-utf8-out-')), 'psp-app');
    out = path.dirname(proj);
    fs.mkdirSync(path.join(proj, 'bytes_app'), { recursive: true });
    fs.writeFileSync(
      path.join(proj, 'pyproject.toml'),
      '[project]\nname = "bytes-app"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n\n[project.scripts]\nbytes-app = "bytes_app:main"\n\n[tool.cogpack]\npython = "3.11"\n',
    );
    // the app lists its own directory as bytes, so the comparison sees every byte
    fs.writeFileSync(
      path.join(proj, 'bytes_app/__init__.py'),
      'import os\n\ndef main():\n    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__))).encode()\n    print(sorted(n for n in os.listdir(here) if n not in (b"bytes_app", b"pyproject.toml")))\n    print(os.readlink(here + b"/link\\xe9"))\n',
    );
    fs.writeFileSync(latin1(`${proj}/caf\xe9.txt`), 'accent\n');
    fs.mkdirSync(latin1(`${proj}/d\xff`));
    fs.writeFileSync(latin1(`${proj}/d\xff/x\x80y.txt`), 'X\n');
    fs.symlinkSync(latin1('caf\xe9.txt'), latin1(`${proj}/link\xe9`));
    const dest = path.join(out, 'bytes-app.psp');
    await buildPsp(proj, { dest, env });
    const run = spawnSync(dest, [], { env: { PATH: '/usr/bin:/bin', HOME: out, FLAVOR_CACHE: path.join(out, 'cache') }, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(["[b'caf\\xe9.txt', b'd\\xff', b'link\\xe9']", "b'caf\\xe9.txt'"]);
  });
});
