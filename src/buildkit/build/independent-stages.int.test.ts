/**
 * Issue 13.1 on the real daemon: the framework stage is built from python alone (not on the apt layer) and
 * merged into the image, so an apt edit leaves torch's install cached and its layer byte-identical, while the
 * requirements above it still see both torch and the apt packages, and dpkg still knows every apt package.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithDaemon, buildWheel } from '../../testing';
import { buildProject, type BuildOptions, type BuildSummary } from './build';
import { dockerFromEnv, perRunBaseEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(900_000);

const TORCH_BYTES = 4 << 20;

function writeProject(dir: string, packages: string[]): void {
  fs.writeFileSync(
    path.join(dir, 'cog.yaml'),
    [
      'build:',
      '  python_version: "3.11"',
      '  system_packages:',
      ...packages.map((p) => `    - ${p}`),
      '  python_requirements: requirements.txt',
      'run: "predict.py:Predictor"',
      '',
    ].join('\n'),
  );
}

describeWithDaemon('independent framework stage on the real daemon', (denv) => {
  const docker = dockerFromEnv({ ...process.env, ...denv });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-i13-'));
  const tags: string[] = [];
  afterAll(async () => {
    for (const t of tags)
      await docker
        .getImage(t)
        .remove({ force: true })
        .catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an apt edit keeps the framework stage cached with the same diffID; deps see torch and apt; dpkg knows every package', async () => {
    const fresh = perRunBaseEnv(denv);
    tags.push(...fresh.COGPACK_IMAGE_MAP!.split(',').map((kv) => kv.split('=')[1]));
    const build = async (tag: string): Promise<BuildSummary> => {
      tags.push(tag);
      const opts: BuildOptions = { cogSdk: 'none', env: fresh, progress: 'quiet', progressOut: progressSink().out, tags: [tag] };
      return buildProject(dir, opts);
    };
    const wheels = path.join(dir, 'wheels');
    buildWheel(wheels, { name: 'torch', version: '2.1.0', sizeBytes: TORCH_BYTES, files: { 'torch/__init__.py': '__version__ = "2.1.0"\n' } });
    // needs torch: pip must find the framework layer's torch below it rather than install the wheel again
    buildWheel(wheels, { name: 'cogpack-needs-torch', version: '1.0', requires: ['torch==2.1.0'] });
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '--no-index\n--find-links ./wheels\ntorch==2.1.0\ncogpack-needs-torch==1.0\n');
    fs.writeFileSync(path.join(dir, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
    writeProject(dir, ['jq']);

    const first = await build('cogpack-it/independent:1');
    expect(first.stages.map((s) => s.id)).toEqual(['python:python', 'system:apt', 'framework:torch', 'deps:pip', 'code:source', 'code:cog-schema']);
    const deps = first.layers.find((l) => l.stage === 'deps:pip')!;
    expect(deps.size).toBeLessThan(TORCH_BYTES / 4); // torch is not in the deps layer again
    const check = 'dpkg -s jq >/dev/null && jq --version && python -c "import torch, cogpack_needs_torch; print(torch.__version__)"';
    const run1 = await runImage(docker, 'cogpack-it/independent:1', ['sh', '-c', check]);
    expect(run1).toEqual({ code: 0, output: expect.stringMatching(/jq-1\.\d[\s\S]*2\.1\.0/) });

    writeProject(dir, ['jq', 'bc']);
    const edit = await build('cogpack-it/independent:2');
    const stage = (s: BuildSummary, id: string) => s.stages.find((x) => x.id === id)!;
    for (const id of ['python:python', 'framework:torch']) {
      expect({ id, cached: stage(edit, id).cached, layers: stage(edit, id).layers }).toEqual({ id, cached: true, layers: stage(first, id).layers });
    }
    expect(stage(edit, 'system:apt').layers).not.toEqual(stage(first, 'system:apt').layers);
    // apt's dpkg status sits above python's layer, and no stage above it rewrites the file: every package is known
    const run2 = await runImage(docker, 'cogpack-it/independent:2', ['sh', '-c', `dpkg -s jq bc >/dev/null && echo 6*7 | bc && ${check}`]);
    expect(run2).toEqual({ code: 0, output: expect.stringMatching(/42\s[\s\S]*jq-1\.\d[\s\S]*2\.1\.0/) });
  });
});
