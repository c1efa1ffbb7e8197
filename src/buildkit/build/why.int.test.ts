/**
 * "Why was this rebuilt" on the real daemon: an image built with -t carries its inputs record; a no-op rebuild
 * of the tag gives every stage an empty `because`; after an apt, a requirement and a code edit exactly those
 * stages say why (also through the CLI with --json, and as stderr lines); `plan --diff` against the image and
 * against a plan JSON names the same changes without building.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INPUTS_LABEL } from '../../../planner/inputs';
import { runPlan } from '../../commands/plan';
import { buildWheel, describeWithDaemon, docker, dockerTry } from '../../testing';
import { buildProject, type BuildOptions, type BuildSummary } from './build';
import { copyFixture, progressSink, REPO } from '../../testing/build-support';

jest.setTimeout(900_000);

const because = (s: BuildSummary): Record<string, string[]> => Object.fromEntries(s.stages.map((x) => [x.id, x.because]));

describeWithDaemon('why stages were rebuilt, on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const tag = `cogpack-it/why:${process.pid}`;
  const made: string[] = [];
  const build = (dir: string, o: BuildOptions = {}) =>
    buildProject(dir, { cogSdk: 'none', env, progress: 'quiet', progressOut: progressSink().out, tags: [tag], ...o });

  afterAll(() => {
    dockerTry(denv, ['rmi', tag]);
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('no-op rebuild: all because empty; apt, requirement and code edits: exactly those stages, with reasons', async () => {
    const dir = copyFixture('cpu-apt-wheel');
    made.push(dir, `${dir}.plan.json`);
    for (const version of ['1.0', '2.0']) buildWheel(path.join(dir, 'links'), { name: 'cogpack-extra', version });
    fs.appendFileSync(path.join(dir, 'requirements.txt'), '--no-index\n--find-links ./links\ncogpack-extra==1.0\n');
    dockerTry(denv, ['rmi', tag]);

    const first = await build(dir);
    expect(first.previous).toBeNull();
    expect(first.stages.every((s) => s.because.length === 0)).toBe(true);
    const labels = JSON.parse(docker(denv, ['image', 'inspect', '--format', '{{json .Config.Labels}}', tag])) as Record<string, string>;
    expect(JSON.parse(labels[INPUTS_LABEL]).stages['deps:pip'].b).toBe('pip');

    const again = await build(dir);
    expect(again.previous?.name).toBe(`docker.io/${tag}`);
    expect(again.image.digest).toBe(first.image.digest); // the label is the same bytes for the same input
    expect(because(again)).toEqual({ 'system:apt': [], 'python:python': [], 'deps:pip': [], 'code:source': [], 'code:cog-schema': [] });

    // a plan JSON with the inputs record, for plan --diff below
    fs.writeFileSync(`${dir}.plan.json`, await runPlan(dir, { json: true, inputs: true, cogSdk: 'none' }, env));

    fs.writeFileSync(path.join(dir, 'cog.yaml'), fs.readFileSync(path.join(dir, 'cog.yaml'), 'utf8').replace('    - jq\n', '    - jq\n    - bc\n'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8').replace('==1.0', '==2.0'));
    fs.appendFileSync(path.join(dir, 'predict.py'), '\n# edited\n');
    const expected = {
      'system:apt': ['cog.yaml:4 build.system_packages + bc'],
      'python:python': [],
      'deps:pip': ['requirements.txt:4 cogpack-extra 1.0 → 2.0'],
      'code:source': ['3 files changed: cog.yaml, predict.py, requirements.txt'],
      'code:cog-schema': [], // a comment leaves the predictor's signature, and so the schema, as it was
    };

    const diffImage = await runPlan(dir, { diff: tag, cogSdk: 'none' }, env);
    expect(diffImage.trim().split('\n')).toEqual([
      'system:apt: cog.yaml:4 build.system_packages + bc',
      'deps:pip: requirements.txt:4 cogpack-extra 1.0 → 2.0',
      'code:source: 3 files changed: cog.yaml, predict.py, requirements.txt',
    ]);
    expect(await runPlan(dir, { diff: `${dir}.plan.json`, cogSdk: 'none' }, env)).toBe(diffImage);

    // the CLI: --json carries stages[].because, stderr one line per changed stage
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src', 'cli.ts'), 'build', dir, '-t', tag, '--cog-sdk', 'none', '--progress', 'quiet', '--json'],
      {
        cwd: REPO,
        env,
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    expect(cli.stderr).toContain('cogpack: deps:pip: requirements.txt:4 cogpack-extra 1.0 → 2.0\n');
    expect(cli.status).toBe(0);
    const rebuilt = JSON.parse(cli.stdout) as BuildSummary;
    expect(because(rebuilt)).toEqual(expected); // whether a stage ran or came from an earlier run's cache
    expect(rebuilt.previous?.id).toBe(first.image.digest); // Docker's image id (containerd store: the manifest digest)
    expect(
      docker(denv, [
        'run',
        '--rm',
        '--network=none',
        tag,
        'sh',
        '-c',
        'bc --version | head -1; python -c "import cogpack_extra; print(cogpack_extra.__version__)"',
      ]),
    ).toMatch(/bc 1\.[\s\S]*2\.0/);

    expect(await runPlan(dir, { diff: tag, cogSdk: 'none' }, env)).toBe(`no stage's inputs changed since ${tag}\n`);
  });

  it('plan --diff names what is wrong with OLD: no such image or file, an image without the label', async () => {
    const dir = copyFixture('cpu-minimal');
    made.push(dir);
    const diff = (old: string) => runPlan(dir, { diff: old, cogSdk: 'none' }, env);
    await expect(diff(`cogpack-it/no-such-image:${process.pid}`)).rejects.toMatchObject({
      code: 'E_DIFF_OLD',
      message: expect.stringContaining('no such file, and Docker has no image of that name'),
    });
    const base = env.COGPACK_IMAGE_MAP!.split(',')[0].split('=')[1]; // a local base image: not built by cogpack
    await expect(diff(base)).rejects.toMatchObject({ code: 'E_DIFF_OLD', message: expect.stringContaining('has no dev.cogpack.inputs label') });
  });
});
