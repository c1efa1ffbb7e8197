/**
 * `--cog-sdk PATH.whl` in a project that installs from local --find-links directories under --no-index,
 * on the real daemon: the SDK's own dependency is found in the project's wheel directory.
 */
import { join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { buildWheel, describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('cog SDK from a wheel beside --find-links wheels (real daemon)', (denv) => {
  const tag = `cogpack-it/sdk-find-links:${process.pid}`;
  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag]));
  const env = { ...process.env, ...denv };

  it('installs the SDK wheel with its dependency from the --find-links directory', async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
      'requirements.txt': '--no-index\n--find-links ./wheels\nhello==1.0\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
    });
    buildWheel(join(dir, 'wheels'), { name: 'hello', version: '1.0' });
    buildWheel(join(dir, 'wheels'), { name: 'sdkdep', version: '2.0' });
    const files = { 'cog/__init__.py': 'import sdkdep\n__version__ = "0.0.1.dev0"\n' };
    const sdk = buildWheel(join(dir, 'dist'), { name: 'cog', version: '0.0.1.dev0', files, requires: ['sdkdep==2.0'] });

    await buildProject(dir, { cogSdk: sdk.path, env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const run = await runImage(dockerFromEnv(env), tag, ['python', '-c', 'import cog, hello, sdkdep; print(cog.__version__, sdkdep.__version__)']);
    expect(run.output).toContain('0.0.1.dev0 2.0');
    expect(run.code).toBe(0);
  });
});
