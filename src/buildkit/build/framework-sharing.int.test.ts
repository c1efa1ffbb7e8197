/**
 * Issue 13.5 on the real daemon: two different projects with the same python and torch get a byte-identical
 * framework layer, so a registry stores it once for both. The second project's framework stage is not answered
 * from the first one's cache (its find-links directory holds another wheel too, so the mount differs): it runs
 * again and still writes the same bytes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithDaemon, buildWheel } from '../../testing';
import { buildProject, type BuildSummary } from './build';
import { dockerFromEnv, perRunBaseEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(900_000);

interface Project {
  apt: string;
  extra: string;
  predict: string;
}

function writeProject(dir: string, p: Project): void {
  const wheels = path.join(dir, 'wheels');
  buildWheel(wheels, { name: 'torch', version: '2.1.0', sizeBytes: 2 << 20, files: { 'torch/__init__.py': '__version__ = "2.1.0"\n' } });
  buildWheel(wheels, { name: p.extra, version: '1.0' });
  fs.writeFileSync(
    path.join(dir, 'cog.yaml'),
    [
      'build:',
      '  python_version: "3.11"',
      '  system_packages:',
      `    - ${p.apt}`,
      '  python_requirements: requirements.txt',
      'run: "predict.py:Predictor"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'requirements.txt'), `--no-index\n--find-links ./wheels\ntorch==2.1.0\n${p.extra}==1.0\n`);
  fs.writeFileSync(path.join(dir, 'predict.py'), p.predict);
}

describeWithDaemon('framework layer shared across projects on the real daemon', (denv) => {
  const docker = dockerFromEnv({ ...process.env, ...denv });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-i13-share-'));
  const tags: string[] = [];
  afterAll(async () => {
    for (const t of tags)
      await docker
        .getImage(t)
        .remove({ force: true })
        .catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('two projects with the same python + torch but other apt, requirements and code: the same framework layer', async () => {
    const fresh = perRunBaseEnv(denv);
    tags.push(...fresh.COGPACK_IMAGE_MAP!.split(',').map((kv) => kv.split('=')[1]));
    const build = async (name: string, p: Project): Promise<{ s: BuildSummary; layers: string[] }> => {
      const dir = path.join(root, name);
      writeProject(dir, p);
      const tag = `cogpack-it/share-${name}:1`;
      tags.push(tag);
      const s = await buildProject(dir, { cogSdk: 'none', env: fresh, progress: 'quiet', progressOut: progressSink().out, tags: [tag] });
      const layers = (await docker.getImage(tag).inspect()).RootFS.Layers ?? [];
      return { s, layers };
    };
    const a = await build('a', {
      apt: 'jq',
      extra: 'cogpack-share-a',
      predict: 'class Predictor:\n    def predict(self, n: int = 1) -> int:\n        return n\n',
    });
    const b = await build('b', { apt: 'bc', extra: 'cogpack-share-b', predict: 'class Predictor:\n    def predict(self) -> str:\n        return "b"\n' });

    const stage = (s: BuildSummary, id: string) => s.stages.find((x) => x.id === id)!;
    expect(stage(b.s, 'framework:torch').cached).toBe(false); // built again, not taken from a's cache
    const fa = stage(a.s, 'framework:torch').layers;
    expect(fa).toHaveLength(1);
    expect(stage(b.s, 'framework:torch').layers).toEqual(fa);
    // Docker's own view of the two images agrees: the diffID is in both, at the same place
    expect(a.layers.indexOf(fa[0])).toBeGreaterThan(0);
    expect(b.layers.indexOf(fa[0])).toBe(a.layers.indexOf(fa[0]));
    // and the projects' own layers differ
    for (const id of ['system:apt', 'deps:pip', 'code:source']) expect(stage(b.s, id).layers).not.toEqual(stage(a.s, id).layers);
    expect(new Set(b.layers.filter((l) => !a.layers.includes(l))).size).toBeGreaterThanOrEqual(3);

    const out = await runImage(docker, 'cogpack-it/share-b:1', [
      'sh',
      '-c',
      'echo 6*7 | bc && python -c "import torch, cogpack_share_b; print(torch.__version__)"',
    ]);
    expect(out).toEqual({ code: 0, output: expect.stringMatching(/42\s[\s\S]*2\.1\.0/) });
  });
});
