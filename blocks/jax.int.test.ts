/**
 * The jax block on the real daemon: a project asks for a jax range, with jax/jaxlib stand-in wheels of two
 * releases in a local wheel index (--find-links; PyPI is unreachable). The resolver pins one release from
 * blocks/data/jax-compatibility.json, the framework stage installs it as a layer of its own, and the image
 * imports it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { buildWheel, describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('jax framework stage (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/jax:${process.pid}`;
  const dirs: string[] = [];
  afterAll(() => {
    dockerTry(denv, ['image', 'rm', '-f', tag]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('installs the pinned jax and jaxlib in their own layer; the image imports them', async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
      'requirements.txt': '--no-index\n--find-links ./wheels\njax>=0.4.34,<0.5\nnumpy-standin==1.0\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
    });
    dirs.push(dir);
    const wheels = join(dir, 'wheels');
    for (const v of ['0.4.38', '0.5.0']) {
      buildWheel(wheels, { name: 'jax', version: v, requires: [`jaxlib==${v}`], files: { 'jax/__init__.py': `import jaxlib\n__version__ = "${v}"\n` } });
      buildWheel(wheels, { name: 'jaxlib', version: v });
    }
    buildWheel(wheels, { name: 'numpy-standin', version: '1.0' });
    const summary = await buildProject(dir, { cogSdk: 'none', env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });

    const fw = summary.stages.find((s) => s.id === 'framework:jax');
    expect(fw?.layers).toHaveLength(1);
    const run = await runImage(dockerFromEnv(env), tag, [
      'python',
      '-c',
      'import jax, jaxlib, numpy_standin; print("jax", jax.__version__, "jaxlib", jaxlib.__version__)',
    ]);
    expect(run).toEqual({ code: 0, output: expect.stringContaining('jax 0.4.38 jaxlib 0.4.38') });
  });
});
