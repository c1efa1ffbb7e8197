/** build.run on the real daemon: the commands see the cog.yaml `environment`, as they do under cog. */
import { buildProject } from '../src/buildkit/build';
import { dockerFromEnv, progressSink, runImage } from '../src/buildkit/test-support';
import { describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from './support/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('build.run and environment (real daemon)', (denv) => {
  const tag = `cogpack-it/build-run-env:${process.pid}`;
  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag]));
  const env = { ...process.env, ...denv };

  it('a build.run command reads a variable set in environment', async () => {
    const dir = tempProject({
      'cog.yaml': [
        'build:',
        '  python_version: "3.11"',
        '  run:',
        '    - mkdir -p "$MODEL_CACHE" && echo "cache=$MODEL_CACHE" > "$MODEL_CACHE/seen.txt"',
        'environment:',
        '  - MODEL_CACHE=/opt/models',
        'run: "predict.py:Predictor"',
        '',
      ].join('\n'),
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
    });
    await buildProject(dir, { cogSdk: 'none', env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const run = await runImage(dockerFromEnv(env), tag, ['cat', '/opt/models/seen.txt']);
    expect(run.output.trim()).toBe('cache=/opt/models');
    expect(run.code).toBe(0);
  });
});
