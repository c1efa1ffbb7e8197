/** build.run on the real daemon: the commands see the cog.yaml `environment`, and leading --mount= flags are real mounts, as under cog. */
import { rmSync, writeFileSync } from 'node:fs';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

describeWithDaemon('build.run and environment (real daemon)', (denv) => {
  const tag = `cogpack-it/build-run-env:${process.pid}`;
  const mountsTag = `cogpack-it/build-run-mounts:${process.pid}`;
  const dirs: string[] = [];
  afterAll(() => {
    dockerTry(denv, ['image', 'rm', '-f', tag, mountsTag]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
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

  it('leading --mount= flags (as cog pastes them after RUN) are real cache, secret and tmpfs mounts', async () => {
    const nonce = `${process.pid}-${Date.now()}`; // a fresh cache id and fresh steps: no earlier run answers them
    const secret = `value-${nonce}`; // only its length reaches the image, through the command's output
    const cache = `--mount=type=cache,target=/cache,id=cogpack-it-${nonce}`;
    const dir = tempProject({
      'cog.yaml': [
        'build:',
        '  python_version: "3.11"',
        '  run:',
        `    - ${cache} sh -c 'echo cached-${nonce} > /cache/x'`,
        `    - ${cache} cp /cache/x /opt/from-cache.txt`,
        "    - --mount=type=secret,id=tok,required=true sh -c 'wc -c < /run/secrets/tok > /opt/secret.txt'",
        "    - --mount=type=tmpfs,target=/scratch sh -c 'echo t > /scratch/t && cp /scratch/t /opt/tmpfs.txt'",
        'run: "predict.py:Predictor"',
        '',
      ].join('\n'),
    });
    dirs.push(dir);
    writeFileSync(`${dir}.secret`, secret);
    dirs.push(`${dir}.secret`);
    await buildProject(dir, {
      cogSdk: 'none',
      env,
      tags: [mountsTag],
      secrets: [`id=tok,src=${dir}.secret`],
      progress: 'quiet',
      progressOut: progressSink().out,
    });
    const docker = dockerFromEnv(env);
    const run = await runImage(docker, mountsTag, [
      'sh',
      '-c',
      'cat /opt/from-cache.txt /opt/secret.txt /opt/tmpfs.txt; ls -A /cache /scratch /run/secrets 2>/dev/null | tr "\\n" " "',
    ]);
    expect(
      run.output
        .split('\n')
        .slice(0, 3)
        .map((l) => l.trim()),
    ).toEqual([`cached-${nonce}`, String(secret.length), 't']);
    // the mounts' contents stay out of the image: the cache file, the tmpfs file and the secret
    expect(run.output).not.toContain('x ');
    expect(run.output).not.toContain('tok');
    expect(dockerTry(denv, ['image', 'inspect', mountsTag]).stdout).not.toContain(secret);
  });
});
