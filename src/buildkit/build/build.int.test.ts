/**
 * `buildProject` end to end on the real daemon: five fixtures built, loaded and run; rebuild reuse after
 * code and requirements edits; a secret that reaches no layer, plan or log; weights in their own layer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeWithDaemon, buildWheel, testRegistry, registryManifest } from '../../testing';
import { serializePlan } from '../../../planner';
import { planProject } from '../../../stacks/plan-project';
import { loadImageMap } from '../../../planner/image-map';
import { buildProject, type BuildOptions, type BuildSummary } from './build';
import { readImageArchive, readTar } from '../export/oci-tar';
import { copyFixture, dockerFromEnv, perRunBaseEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(900_000);

const layerOf = (s: BuildSummary, stage: string): string[] => s.stages.find((x) => x.id === stage)?.layers ?? [];

describeWithDaemon('cogpack build on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const docker = dockerFromEnv(env);
  const build = (dir: string, opts: BuildOptions = {}) => {
    const sink = progressSink();
    return buildProject(dir, { cogSdk: 'none', env, progress: 'plain', progressOut: sink.out, ...opts }).then((s) => ({ s, log: sink.text() }));
  };

  it('cpu-apt-wheel: apt + local wheel run; a code edit changes only the code layer, a requirements edit keeps apt', async () => {
    const dir = copyFixture('cpu-apt-wheel');
    const fresh = perRunBaseEnv(denv);
    const build = (d: string, o: BuildOptions) =>
      buildProject(d, { cogSdk: 'none', env: fresh, progress: 'quiet', progressOut: progressSink().out, ...o }).then((s) => ({ s }));
    const { s: first } = await build(dir, { tags: ['cogpack-it/cpu-apt-wheel:1'] });
    expect(first.stages.map((x) => x.id)).toEqual(['python:python', 'system:apt', 'deps:pip', 'code:source', 'code:cog-schema']);
    const run = await runImage(docker, 'cogpack-it/cpu-apt-wheel:1', [
      'sh',
      '-c',
      'jq --version && python -c "import cogpack_hello; print(cogpack_hello.__version__)" && ls /src',
    ]);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/jq-1\.\d[\s\S]*1\.0[\s\S]*predict\.py/);

    fs.appendFileSync(path.join(dir, 'predict.py'), `\n# edited ${process.pid} ${Date.now()}\n`); // unique, or an earlier run's cache answers
    const { s: codeEdit } = await build(dir, { tags: ['cogpack-it/cpu-apt-wheel:2'] });
    const changed = codeEdit.layers.filter((l, i) => l.diffId !== first.layers[i].diffId);
    expect(changed.map((l) => l.stage)).toEqual(['code:source']);
    expect(codeEdit.stages.filter((x) => !x.cached).map((x) => x.id)).toEqual(['code:source']);

    buildWheel(path.join(dir, 'wheels'), { name: 'cogpack-extra', version: '2.0' });
    fs.appendFileSync(path.join(dir, 'requirements.txt'), './wheels/cogpack_extra-2.0-py3-none-any.whl\n');
    const { s: reqEdit } = await build(dir, { tags: ['cogpack-it/cpu-apt-wheel:3'] });
    for (const stage of ['system:apt', 'python:python']) expect(layerOf(reqEdit, stage)).toEqual(layerOf(first, stage));
    expect(layerOf(reqEdit, 'deps:pip')).not.toEqual(layerOf(first, 'deps:pip'));
    expect((await runImage(docker, 'cogpack-it/cpu-apt-wheel:3', ['python', '-c', 'import cogpack_extra'])).code).toBe(0);
  });

  it('build-run-secret: the secret is mounted, yet absent from every layer, the config, the plan and the logs', async () => {
    const dir = copyFixture('build-run-secret');
    const value = `cogpack-secret-${process.pid}-${Date.now()}`;
    fs.writeFileSync(`${dir}.secret`, value);
    const tar = `${dir}.oci.tar`;
    const { s, log } = await build(dir, {
      tags: ['cogpack-it/secret:1'],
      secrets: [`id=hf_token,src=${dir}.secret`],
      outputs: ['type=docker', `type=oci,dest=${tar}`],
    });
    const run = await runImage(docker, 'cogpack-it/secret:1', ['cat', '/opt/cogpack-build-run.txt']);
    expect(run.output).toContain('secret was mounted');
    const archive = readImageArchive(tar);
    expect(archive.layers.length).toBe(s.layers.length);
    for (let i = 0; i < archive.layers.length; i++) expect(archive.layerTar(i).includes(value)).toBe(false);
    expect(fs.readFileSync(tar).includes(value)).toBe(false); // config, manifests, index
    const { plan } = await planProject(dir, { cogSdk: 'none', imageMap: loadImageMap([], env), env });
    expect(serializePlan(plan)).not.toContain(value);
    expect(log).toContain('#');
    expect(log).not.toContain(value);
    expect(JSON.stringify(s)).not.toContain(value);
  });

  it('weights: each declared weight is its own layer, and the code layer holds none of them', async () => {
    const dir = copyFixture('weights');
    const tar = `${dir}.oci.tar`;
    const { s } = await build(dir, { tags: ['cogpack-it/weights:1'], outputs: ['type=docker', `type=oci,dest=${tar}`] });
    const archive = readImageArchive(tar);
    const files = (i: number) => readTar(archive.layerTar(i)).map((e) => e.name);
    const weightStages = s.stages.filter((x) => x.id.includes('weights'));
    expect(weightStages.length).toBeGreaterThanOrEqual(1);
    const withShard = s.layers.filter((l) => files(l.index).some((f) => f.endsWith('shard-0.bin')));
    expect(withShard).toHaveLength(1);
    expect(withShard[0].stage).toMatch(/weights/);
    const code = s.layers.find((l) => l.stage === 'code:source')!;
    expect(files(code.index).some((f) => /shard-|extra\.bin/.test(f))).toBe(false);
    const run = await runImage(docker, 'cogpack-it/weights:1', ['sh', '-c', 'ls -R / 2>/dev/null | grep -c -E "shard-[01]\\.bin|extra\\.bin"']);
    expect(Number(run.output.trim())).toBeGreaterThanOrEqual(3);
  });

  it('pyproject-app: the [project.scripts] entry point is the image command', async () => {
    const { s } = await build(copyFixture('pyproject-app'), { tags: ['cogpack-it/pyproject-app:1'] });
    expect(s.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const run = await runImage(docker, 'cogpack-it/pyproject-app:1');
    expect(run.code).toBe(0);
    expect(run.output.trim().length).toBeGreaterThan(0);
  });

  it('gpu-torch: the CUDA base is mapped to the local stand-in and the torch wheel installs; a requirements edit keeps the torch layer', async () => {
    const dir = copyFixture('gpu-torch');
    const fresh = perRunBaseEnv(denv);
    const build = (d: string, o: BuildOptions) =>
      buildProject(d, { cogSdk: 'none', env: fresh, progress: 'quiet', progressOut: progressSink().out, ...o }).then((s) => ({ s }));
    const { s } = await build(dir, { tags: ['cogpack-it/gpu-torch:1'] });
    const run = await runImage(docker, 'cogpack-it/gpu-torch:1', ['python', '-c', 'import torch; print(torch.__version__)']);
    expect(run.output).toContain('2.3.1');
    const inspect = await docker.getImage('cogpack-it/gpu-torch:1').inspect();
    expect(inspect.Config.Labels?.['org.cogpack.stands-in-for']).toBe('nvidia/cuda');
    buildWheel(path.join(dir, 'wheels'), { name: 'cogpack-small', version: '1.0' });
    fs.appendFileSync(path.join(dir, 'requirements.txt'), 'cogpack-small==1.0\n');
    const { s: again } = await build(dir, { tags: ['cogpack-it/gpu-torch:2'] });
    const torchStage = s.stages.find((x) => /torch/.test(x.id));
    expect(torchStage).toBeDefined();
    expect(layerOf(again, torchStage!.id)).toEqual(torchStage!.layers);
    for (const stage of s.stages.filter((x) => /^(base|system):/.test(x.id))) expect(layerOf(again, stage.id)).toEqual(stage.layers);
  });

  it('type=local writes the image filesystem into a directory on the client', async () => {
    const dir = copyFixture('cpu-minimal');
    const out = `${dir}.rootfs`;
    await build(dir, { outputs: [`type=local,dest=${out}`] });
    expect(fs.readFileSync(path.join(out, 'src', 'predict.py'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'predict.py'), 'utf8'));
    expect(fs.existsSync(path.join(out, 'usr', 'bin', 'python3'))).toBe(true);
  });

  it('type=image,push=true and --cache-to/--cache-from reach the local registry', async () => {
    const registry = testRegistry(env);
    if (!registry) return console.warn('push/cache not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const dir = copyFixture('cpu-minimal');
    const cacheRef = `${registry}/cogpack-it/cache:minimal`;
    const { s: pushed } = await build(dir, {
      outputs: [`type=image,name=${registry}/cogpack-it/minimal:1,push=true,registry.insecure=true`],
      cacheTo: [`type=registry,ref=${cacheRef},mode=max,registry.insecure=true`],
    });
    expect(await registryManifest(registry, 'cogpack-it/minimal', '1')).not.toBeNull();
    expect(await registryManifest(registry, 'cogpack-it/cache', 'minimal')).not.toBeNull();
    const { s } = await build(dir, { tags: ['cogpack-it/minimal:from-cache'], cacheFrom: [`type=registry,ref=${cacheRef},registry.insecure=true`] });
    // the daemon's local cache also holds these steps, so this shows the import is accepted, not that it was used
    expect(s.layers.map((l) => l.diffId)).toEqual(pushed.layers.map((l) => l.diffId));
  });
});
