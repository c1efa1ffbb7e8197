/**
 * The oracle for the static schema is the runtime: every predictor shape in testdata/cog-schema is built
 * with the real cog SDK 0.13.6 (its dependencies from the wheelhouse beside the wheel), then
 * `python -m cog.command.openapi_schema` runs inside the image (no network) and its output must equal,
 * as JSON, the image's run.cog.openapi_schema label and /src/.cog/openapi_schema.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProject } from '../src/buildkit/build';
import { progressSink } from '../src/buildkit/test-support';
import { describeWithDaemon, docker, dockerTry, REPO_ROOT } from '../src/testing';

jest.setTimeout(1_800_000);

const SDK = '/work/shared/cog-runtime/wheelhouse/cog-0.13.6-py3-none-any.whl';
const SHAPES_DIR = path.join(REPO_ROOT, 'testdata', 'cog-schema');
const SHAPES = fs.readdirSync(SHAPES_DIR).filter((n) => fs.statSync(path.join(SHAPES_DIR, n)).isDirectory()).sort();

describeWithDaemon('static OpenAPI schema = the runtime schema, in built images (real SDK 0.13.6)', (denv) => {
  const env = { ...process.env, ...denv };
  const tags: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cog-schema-it-'));
  afterAll(() => {
    if (tags.length) dockerTry(denv, ['image', 'rm', '-f', ...tags]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has the SDK wheelhouse', () => expect(fs.existsSync(SDK)).toBe(true));

  it.each(SHAPES)('%s', async (shape) => {
    const dir = path.join(tmp, shape);
    fs.cpSync(path.join(SHAPES_DIR, shape), dir, { recursive: true });
    const tag = `cogpack-it/cog-schema-${shape}:${process.pid}`;
    tags.push(tag);
    await buildProject(dir, { cogSdk: SDK, env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const labels = JSON.parse(docker(denv, ['image', 'inspect', tag, '--format', '{{json .Config.Labels}}'])) as Record<string, string>;
    const runtime = docker(denv, ['run', '--rm', '--network', 'none', tag, 'python', '-m', 'cog.command.openapi_schema']);
    const file = docker(denv, ['run', '--rm', '--network', 'none', tag, 'cat', '/src/.cog/openapi_schema.json']);
    const label = JSON.parse(labels['run.cog.openapi_schema']);
    expect(label).toEqual(JSON.parse(runtime));
    expect(JSON.parse(file)).toEqual(label);
  });
});
