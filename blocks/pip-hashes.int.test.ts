/**
 * pip's hash-checking mode and --trusted-host on the real daemon: a requirements file with --hash lines
 * installs only wheels whose sha256 matches (a wrong hash fails the build with pip's own message), and an
 * http:// --find-links mirror on this host is used because --trusted-host names it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { buildWheel, describeWithDaemon, dockerTry, type BuiltWheel } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

/** A find-links page and the wheels it links, over plain http. */
function serveWheels(wheels: BuiltWheel[], host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const wheel = wheels.find((w) => req.url === `/${w.filename}`);
    if (wheel) return void res.end(readFileSync(wheel.path));
    res.setHeader('content-type', 'text/html');
    res.end(wheels.map((w) => `<a href="${w.filename}">${w.filename}</a>`).join('\n'));
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

describeWithDaemon('pip --hash and --trusted-host (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/pip-hashes:${process.pid}`;
  // the build containers reach this host through the bridge network's gateway
  const gateway = dockerTry(denv, ['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}']).stdout.toString().trim() || '172.17.0.1';
  const served = buildWheel(join(tempProject({}), 'served'), { name: 'served-pkg', version: '1.0' });
  let server: Server;
  let mirror: string;
  beforeAll(async () => {
    server = await serveWheels([served], gateway);
    const address = server.address();
    mirror = `http://${gateway}:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  afterAll(() => {
    server.close();
    dockerTry(denv, ['image', 'rm', '-f', tag]);
  });

  /** A cog project whose requirements name the http mirror, a local wheel, and the given hash for the served one. */
  function project(servedHash: string): string {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
    });
    const local = buildWheel(join(dir, 'wheels'), { name: 'local-pkg', version: '2.0' });
    const lines = [
      '--no-index',
      `--find-links ${mirror}`,
      `--trusted-host ${gateway}`,
      `served-pkg==1.0 --hash=sha256:${servedHash}`,
      `./wheels/${basename(local.path)} \\`,
      `    --hash=sha256:${local.sha256}`,
    ];
    writeFileSync(join(dir, 'requirements.txt'), `${lines.join('\n')}\n`);
    return dir;
  }

  it('installs wheels whose sha256 matches, from the http mirror --trusted-host allows', async () => {
    const sink = progressSink();
    await buildProject(project(served.sha256), { cogSdk: 'none', env, tags: [tag], progress: 'plain', progressOut: sink.out });
    const run = await runImage(dockerFromEnv(env), tag, [
      'python',
      '-c',
      'import served_pkg, local_pkg; print("ok", served_pkg.__version__, local_pkg.__version__)',
    ]);
    expect(run.output).toContain('ok 1.0 2.0');
    expect(run.code).toBe(0);
    // the requirements file pip read was removed in its stage: not in the image
    const leftover = await runImage(dockerFromEnv(env), tag, ['python', '-c', 'import os; print("left", os.path.exists("/tmp/cogpack-requirements.txt"))']);
    expect(leftover.output).toContain('left False');
  });

  it("fails the build with pip's message when a hash is wrong", async () => {
    const sink = progressSink();
    const wrong = '0'.repeat(64);
    await expect(buildProject(project(wrong), { cogSdk: 'none', env, progress: 'plain', progressOut: sink.out })).rejects.toMatchObject({
      code: 'E_RUN_FAILED',
    });
    expect(sink.text()).toContain('THESE PACKAGES DO NOT MATCH THE HASHES');
    expect(sink.text()).toContain(`Expected sha256 ${wrong}`);
    expect(sink.text()).toContain(`Got        ${served.sha256}`);
  });
});
