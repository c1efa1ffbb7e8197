/** A src-layout pyproject app on the real daemon: its [project.scripts] launcher is the image command and runs. */
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('entry points of a src-layout project (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/entry-points-src:${process.pid}`;
  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag]));

  it('runs the script from src/<package> as the default command', async () => {
    const dir = tempProject({
      'pyproject.toml': '[project]\nname = "srcapp"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n[project.scripts]\nsrcapp = "srcapp.cli:main"\n',
      '.python-version': '3.11\n',
      'src/srcapp/__init__.py': '',
      'src/srcapp/cli.py': 'def main():\n    print("hello from src layout")\n    return 0\n',
    });
    await buildProject(dir, { env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const run = await runImage(dockerFromEnv(env), tag);
    expect(run.output).toContain('hello from src layout');
    expect(run.code).toBe(0);
  });
});
