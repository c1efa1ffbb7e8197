/**
 * The oracle for the static schema is the runtime: every predictor shape in testdata/cog-schema is built
 * with the real cog SDK 0.13.6 (its dependencies from the wheelhouse beside the wheel), then
 * `python -m cog.command.openapi_schema` runs inside the image (no network) and its output must equal,
 * as JSON, the image's run.cog.openapi_schema label and /src/.cog/openapi_schema.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planProject } from '../stacks/plan-project';
import { buildProject } from '../src/buildkit/build/build';
import { progressSink } from '../src/testing/build-support';
import { cogSdkWheel, describeWithDaemon, docker, dockerTry, REPO_ROOT } from '../src/testing';

jest.setTimeout(1_800_000);

const SDK = cogSdkWheel() ?? 'shared/cog-runtime/wheelhouse (not found above the checkout)';
const SHAPES_DIR = path.join(REPO_ROOT, 'testdata', 'cog-schema');
const SHAPES = fs
  .readdirSync(SHAPES_DIR)
  .filter((n) => fs.statSync(path.join(SHAPES_DIR, n)).isDirectory())
  .sort();

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

  it('a default only the runtime knows: the build runs the schema command on the image (no network) for the label and the file', async () => {
    const dir = path.join(tmp, 'runtime-fallback');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cog.yaml'), 'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n');
    fs.writeFileSync(
      path.join(dir, 'predict.py'),
      [
        'import os',
        'from cog import BasePredictor, Input',
        '',
        'GREETING = os.environ.get("COGPACK_IT_GREETING", "hello").upper()',
        '',
        'class Predictor(BasePredictor):',
        '    def predict(self, text: str = Input(default=GREETING, description="what to say")) -> str:',
        '        return text',
        '',
      ].join('\n'),
    );
    const { plan, warnings } = await planProject(dir, { cogSdk: SDK, env });
    expect(plan.openapi_schema?.made_at).toBe('build');
    expect(warnings).toContainEqual(expect.stringContaining('the build runs python -m cog.command.openapi_schema on the built image'));
    const tag = `cogpack-it/cog-schema-runtime-fallback:${process.pid}`;
    tags.push(tag);
    await buildProject(dir, { cogSdk: SDK, env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    const labels = JSON.parse(docker(denv, ['image', 'inspect', tag, '--format', '{{json .Config.Labels}}'])) as Record<string, string>;
    const runtime = JSON.parse(docker(denv, ['run', '--rm', '--network', 'none', tag, 'python', '-m', 'cog.command.openapi_schema']));
    const file = docker(denv, ['run', '--rm', '--network', 'none', tag, 'cat', '/src/.cog/openapi_schema.json']);
    expect(runtime.components.schemas.Input.properties.text.default).toBe('HELLO');
    expect(JSON.parse(labels['run.cog.openapi_schema'])).toEqual(runtime);
    expect(JSON.parse(file)).toEqual(runtime);
  });
});
