/** `--reproducible`: two clean (--no-cache) builds of the same input give the same image digest, and the image runs. */
import { describeWithDaemon } from '../../testing';
import { buildProject } from './build';
import { copyFixture, dockerFromEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(600_000);

describeWithDaemon('reproducible builds on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };

  it('cpu-minimal twice with --no-cache --reproducible: identical digest; without it the config time is still pinned', async () => {
    const dir = copyFixture('cpu-minimal');
    const build = (tag: string, reproducible: boolean) =>
      buildProject(dir, {
        cogSdk: 'none',
        env,
        progress: 'quiet',
        progressOut: progressSink().out,
        noCache: true,
        reproducible,
        sourceDateEpoch: '1700000000',
        tags: [tag],
      });
    const a = await build('cogpack-it/repro:a', true);
    const b = await build('cogpack-it/repro:b', true);
    expect(a.image.digest).toMatch(/^sha256:/);
    expect(b.image.digest).toBe(a.image.digest);
    expect(b.layers.map((l) => l.diffId)).toEqual(a.layers.map((l) => l.diffId));
    const docker = dockerFromEnv(env);
    expect((await runImage(docker, 'cogpack-it/repro:b', ['ls', '/src'])).output).toContain('predict.py');
    const inspect = await docker.getImage('cogpack-it/repro:b').inspect();
    expect(inspect.Created).toBe('2023-11-14T22:13:20Z');
  });
});
