/**
 * `--cog-sdk ../dist/cog-….whl` on the real daemon: the plan's flag-given context lies outside the project,
 * the session serves it, and the image imports the SDK from that wheel; an unmarked outside context is
 * still refused before anything is sent.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildWheel, describeWithDaemon } from '../../testing';
import { planProject } from '../../../stacks/plan-project';
import { loadImageMap } from '../../../planner/image-map';
import { buildProject } from '../build/build';
import { dockerFromEnv, progressSink, runImage } from '../../testing/build-support';
import { sessionContexts } from './contexts';

jest.setTimeout(600_000);

const COG_YAML = 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n';

describeWithDaemon('a context named by --cog-sdk outside the project (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const docker = dockerFromEnv(env);

  it('builds with the SDK wheel from a sibling directory and installs it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-flag-context-'));
    const project = path.join(root, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'cog.yaml'), COG_YAML);
    fs.writeFileSync(path.join(project, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
    const files = { 'cog/__init__.py': '__version__ = "0.0.1.dev0+cogpack.test"\nFROM_FLAG = True\n' };
    const wheel = buildWheel(path.join(root, 'dist'), { name: 'cog', version: '0.0.1.dev0', files });

    const { plan } = await planProject(project, { cogSdk: wheel.path, imageMap: loadImageMap([], env), env });
    expect(plan.contexts['cog-sdk']).toMatchObject({ path: '../dist', origin: 'flag' });
    const unmarked = { ...plan.contexts['cog-sdk'], origin: undefined };
    expect(() => sessionContexts(project, { 'cog-sdk': unmarked })).toThrow(/outside the project/);

    const tag = 'cogpack-it/flag-context:1';
    await buildProject(project, { cogSdk: wheel.path, env, tags: [tag], progress: 'plain', progressOut: progressSink().out });
    const run = await runImage(docker, tag, ['python', '-c', 'import cog; print(cog.FROM_FLAG, cog.__version__)']);
    expect(run.output).toContain('True 0.0.1.dev0+cogpack.test');
    expect(run.code).toBe(0);
    const src = await runImage(docker, tag, ['ls', '-A', '/src']);
    expect(src.output.split(/\s+/).filter(Boolean).sort()).toEqual(['.cog', 'cog.yaml', 'predict.py']);
  });
});
