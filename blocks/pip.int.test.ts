/**
 * The pip stage on the real daemon resolves the other requirements against the torch the framework stage
 * installed, as one `pip install -r` does under cog: a dependency that would need another torch gets an
 * older release that fits, instead of silently replacing torch in a later layer.
 */
import { join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { buildWheel, describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('pip stage after the torch stage (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/pip-torch-pin:${process.pid}`;
  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag]));

  it('keeps the pinned torch and picks the dependency release that fits it', async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
      'requirements.txt': '--no-index\n--find-links ./wheels\ntorch==2.3.1\ndep-pkg\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
    });
    const wheels = join(dir, 'wheels');
    for (const version of ['2.3.1', '2.4.0']) buildWheel(wheels, { name: 'torch', version });
    buildWheel(wheels, { name: 'dep-pkg', version: '1.0', requires: ['torch==2.3.1'] });
    buildWheel(wheels, { name: 'dep-pkg', version: '2.0', requires: ['torch==2.4.0'] });
    await buildProject(dir, { cogSdk: 'none', env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const run = await runImage(dockerFromEnv(env), tag, [
      'python',
      '-c',
      'import torch, dep_pkg; print("torch", torch.__version__, "dep", dep_pkg.__version__)',
    ]);
    expect(run.output).toContain('torch 2.3.1 dep 1.0');
    expect(run.code).toBe(0);
  });
});
