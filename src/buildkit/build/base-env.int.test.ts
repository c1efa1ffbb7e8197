/**
 * Build steps see the base image's ENV, as after a Dockerfile FROM, on the real daemon: a per-run base with
 * its own ENV (a marker, PATH with a tool of its own, PIP_LOG) is mapped in; build.run and the pip stage see it
 * through `cogpack build` and through the frontend image, both give the same layers, and the image runs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWheel, describeWithDaemon, docker, dockerTry, frontendBuildArgs, REPO_ROOT, type DaemonEnv } from '../../testing';
import { buildProject } from './build';
import { progressSink } from '../../testing/build-support';

jest.setTimeout(900_000);

const RUN = `${process.pid}-${Date.now()}`;
const TOOL_DIR = '/opt/cogpack-mark/bin';
const PIP_LOG = '/var/log/cogpack-base-pip.log';

/** FROM the mapped python base, plus a layer (so no cache record is shared with other runs) and ENV of its own. */
function markedBase(env: DaemonEnv): string {
  const from = env.COGPACK_IMAGE_MAP.split(',').map((kv) => kv.split('=')[1])[0];
  const name = `cogpack.local/it-base-env:${RUN}`;
  const dockerfile = [
    `FROM ${from}`,
    `RUN mkdir -p ${TOOL_DIR} && printf '#!/bin/sh\\necho mark-tool-ran\\n' > ${TOOL_DIR}/cogpack-mark-tool && chmod 755 ${TOOL_DIR}/cogpack-mark-tool && echo ${RUN} > /etc/cogpack-test-run`,
    `ENV COGPACK_BASE_MARK=${RUN} PATH=${TOOL_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PIP_LOG=${PIP_LOG}`,
  ].join('\n');
  docker(env, ['build', '-q', '-t', name, '-'], { input: `${dockerfile}\n` });
  return name;
}

/** A project whose build.run records what it sees, with a local wheel for the pip stage. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-base-env-')); // outside git: SOURCE_DATE_EPOCH 0
  fs.writeFileSync(
    path.join(dir, 'cog.yaml'),
    [
      'build:',
      '  python_version: "3.11"',
      '  python_requirements: requirements.txt',
      '  run:',
      '    - echo "mark=$COGPACK_BASE_MARK lang=$LANG tool=$(cogpack-mark-tool)" > /opt/cogpack-base-env.txt',
      'run: "predict.py:Predictor"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
  buildWheel(path.join(dir, 'wheels'), { name: 'cogpack-hello', version: '1.0' });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), './wheels/cogpack_hello-1.0-py3-none-any.whl\n');
  return dir;
}

/** What the image says about its build: build.run's record, whether pip logged to the base's PIP_LOG, its own env. */
function probe(env: DaemonEnv, image: string): string {
  const script = `cat /opt/cogpack-base-env.txt; grep -c cogpack_hello ${PIP_LOG}; python -c "import cogpack_hello; print('import', cogpack_hello.__version__)"; echo "runtime=$COGPACK_BASE_MARK"`;
  const res = dockerTry(env, ['run', '--rm', '--network=none', image, 'sh', '-c', script]);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return res.stdout;
}

function expectBaseEnvSeen(out: string): void {
  expect(out).toContain(`mark=${RUN} lang=C.UTF-8 tool=mark-tool-ran`); // build.run: base ENV, LANG, base PATH
  expect(out).toMatch(/^[1-9]\d*$/m); // the pip stage wrote the base's PIP_LOG
  expect(out).toContain('import 1.0');
  expect(out).toContain(`runtime=${RUN}`); // the image config still merges the base's ENV
}

function frontendImage(env: DaemonEnv): string {
  const res = spawnSync('bash', ['scripts/frontend-image.sh'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20 * 60_000,
    env: { ...process.env, ...env, COGPACK_FRONTEND_IMAGE: `cogpack.local/cogpack-frontend:base-env-${RUN}` },
  });
  if (res.status !== 0) throw new Error(`frontend-image.sh failed:\n${res.stderr}`);
  return res.stdout.trim().split('\n').pop() as string;
}

const layersOf = (env: DaemonEnv, ref: string): string[] => JSON.parse(docker(env, ['image', 'inspect', ref]))[0].RootFS.Layers;

describeWithDaemon('build steps see the base image ENV', (denv) => {
  let mapped: DaemonEnv;
  const dir = project();
  const cliTag = `cogpack-it/base-env-cli:${RUN}`;

  let feImage = '';
  afterAll(() => void (feImage && dockerTry(denv, ['rmi', feImage]))); // a per-run name: untag it, its layers stay shared

  beforeAll(() => {
    const base = markedBase(denv);
    const map = denv.COGPACK_IMAGE_MAP.split(',')
      .map((kv) => `${kv.split('=')[0]}=${base}`)
      .join(',');
    mapped = { ...denv, COGPACK_IMAGE_MAP: map };
  });

  it('cogpack build: build.run and the pip stage run with the base ENV and PATH; the image runs', async () => {
    const s = await buildProject(dir, {
      cogSdk: 'none',
      env: { ...process.env, ...mapped },
      tags: [cliTag],
      progress: 'quiet',
      progressOut: progressSink().out,
      sourceDateEpoch: '0',
    });
    expect(s.stages.map((x) => x.id)).toEqual(expect.arrayContaining(['deps:pip', 'build-run:build-run']));
    expectBaseEnvSeen(probe(mapped, cliTag));
  });

  it('the frontend image (docker buildx build) does the same and gives the same layers', () => {
    const image = frontendImage(denv);
    feImage = image;
    const feTag = `cogpack-it/base-env-fe:${RUN}`;
    docker(mapped, frontendBuildArgs(image, mapped, 'cog.yaml', ['-t', feTag, '--load']), { cwd: dir });
    expectBaseEnvSeen(probe(mapped, feTag));
    // same LLB (image env included) → the frontend's build reuses the CLI build's cache records → same layers
    expect(layersOf(mapped, feTag)).toEqual(layersOf(mapped, cliTag));
  });
});
