/**
 * Provenance on the real daemon: `cogpack build --provenance` pushes an index whose attestation manifest holds the
 * daemon's SLSA provenance (read back with `docker buildx imagetools inspect --format '{{json .Provenance}}'`) and
 * cogpack's build record (read from the registry); `--output type=local` writes both statements as files. A
 * --secret value and a proxy build-arg value appear in neither.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithDaemon, docker, testRegistry, registryManifest } from '../testing';
import { buildProject, type BuildOptions } from '../buildkit/build/build';
import { copyFixture, progressSink } from '../testing/build-support';

jest.setTimeout(600_000);

const SECRET = `prov-secret-${process.pid}-${Date.now()}`;
const PROXY = 'http://alice:pr0xy-pass@proxy.invalid:3128';

interface Statement {
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: Record<string, any>;
}

async function blob(registry: string, repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`http://${registry}/v2/${repo}/blobs/${digest}`);
  if (!res.ok) throw new Error(`GET blob ${digest}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describeWithDaemon('provenance attestations on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const build = (dir: string, opts: BuildOptions) => {
    const sink = progressSink();
    return buildProject(dir, { cogSdk: 'none', env, progress: 'plain', progressOut: sink.out, ...opts }).then((s) => ({ s, log: sink.text() }));
  };

  it('push with --provenance mode=max: imagetools reads the SLSA provenance back; the build record has the plan and the digests', async () => {
    const registry = testRegistry(env);
    if (!registry) return console.warn('provenance push not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const dir = copyFixture('build-run-secret');
    fs.writeFileSync(`${dir}.secret`, SECRET);
    const repo = 'cogpack-it/provenance'; // literal: the int-test cleanup removes the repositories a test names
    const tag = String(process.pid);
    const ref = `${registry}/${repo}:${tag}`;
    const { s, log } = await build(dir, {
      outputs: [`type=image,name=${ref},push=true,registry.insecure=true`],
      secrets: [`id=hf_token,src=${dir}.secret`],
      buildArgs: { HTTP_PROXY: PROXY },
      provenance: 'mode=max',
    });
    expect(s.warnings.join('\n')).toMatch(/mode=max with a proxy build arg/);

    // the daemon's SLSA provenance, as CI tools read it
    const prov = JSON.parse(docker(denv, ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Provenance}}'])) as { SLSA: Record<string, any> };
    expect(prov.SLSA.buildType).toBe('https://mobyproject.org/buildkit@v1');
    expect(prov.SLSA.materials).toContainEqual(
      expect.objectContaining({ uri: expect.stringMatching(/^pkg:docker\//), digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }),
    );

    // the index: image + attestation manifest; the latter holds both statements
    const index = (await registryManifest(registry, repo, tag))!;
    const manifests = (index.body as { manifests: { digest: string; annotations?: Record<string, string> }[] }).manifests;
    const att = manifests.find((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')!;
    const image = manifests.find((m) => m !== att)!;
    expect(att.annotations?.['vnd.docker.reference.digest']).toBe(image.digest);
    const attManifest = (await registryManifest(registry, repo, att.digest))!.body as { layers: { digest: string; annotations: Record<string, string> }[] };
    const types = attManifest.layers.map((l) => l.annotations['in-toto.io/predicate-type']);
    expect([...types].sort()).toEqual(['https://cogpack.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2']);
    const texts = await Promise.all(attManifest.layers.map((l) => blob(registry, repo, l.digest).then((b) => b.toString())));
    const own = JSON.parse(texts[types.indexOf('https://cogpack.dev/provenance/v1')]) as Statement;
    expect(own.subject[0].digest.sha256).toBe(image.digest.replace('sha256:', ''));
    const def = own.predicate.buildDefinition;
    expect(def.internalParameters.planDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(def.internalParameters.plan.stack).toBe('python'); // mode=max keeps the plan in cogpack's record
    expect(def.resolvedDependencies).toContainEqual({ name: 'cog.yaml', digest: { sha256: sha256(path.join(dir, 'cog.yaml')) } });
    expect(def.resolvedDependencies).toContainEqual(
      expect.objectContaining({ uri: expect.stringMatching(/^docker-image:\/\//), digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }),
    );
    expect(def.externalParameters.secrets).toEqual(['hf_token']);
    expect(def.externalParameters.buildArgs).toEqual({ HTTP_PROXY: null });

    for (const text of [...texts, JSON.stringify(prov), log]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('pr0xy-pass');
    }
  });

  it("--output type=local writes provenance.json (the daemon's) and cogpack-provenance.json", async () => {
    const dir = copyFixture('cpu-minimal');
    const out = `${dir}.out`;
    await build(dir, { outputs: [`type=local,dest=${out}`], provenance: 'mode=min' });
    const daemon = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8')) as Statement;
    expect(daemon.predicateType).toBe('https://slsa.dev/provenance/v0.2');
    const own = JSON.parse(fs.readFileSync(path.join(out, 'cogpack-provenance.json'), 'utf8')) as Statement;
    expect(own.predicateType).toBe('https://cogpack.dev/provenance/v1');
    // local outputs name every file as a subject
    expect(own.subject.map((x) => x.name)).toContain('src/predict.py');
    expect(own.predicate.buildDefinition.internalParameters.plan).toBeUndefined();
    fs.rmSync(out, { recursive: true, force: true });
  });
});
