/**
 * Attestations through the frontend: `docker buildx build --provenance=mode=max` with the cogpack frontend image
 * pushes an index whose attestation manifest holds BuildKit's SLSA provenance (imagetools reads it back) and the
 * frontend's build record (via frontend, the plan, cog.yaml's sha256).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithDaemon, docker, dockerTry, frontendBuildArgs, frontendImage, registryManifest, REPO_ROOT, testRegistry } from '../testing';

jest.setTimeout(900_000);

describeWithDaemon('frontend attestations through docker buildx', (env) => {
  const image = `cogpack.local/cogpack-frontend:attest-${process.pid}`;
  let built = false;

  afterAll(() => {
    if (built) dockerTry(env, ['image', 'rm', '-f', image]);
  });

  it("buildx --provenance=mode=max --push: .Provenance is the daemon's; the build record is the frontend's", async () => {
    const registry = testRegistry(env);
    if (!registry) return console.warn('frontend provenance not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    frontendImage(env, image);
    built = true;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-fe-attest-'));
    fs.cpSync(path.join(REPO_ROOT, 'testdata', 'cpu-minimal'), dir, { recursive: true });
    const repo = 'cogpack-it/fe-provenance'; // literal: the int-test cleanup removes the repositories a test names
    const tag = String(process.pid);
    const ref = `${registry}/${repo}:${tag}`;
    docker(env, frontendBuildArgs(image, env, 'cog.yaml', ['--output', `type=image,name=${ref},push=true,registry.insecure=true`], 'mode=max'), { cwd: dir });

    const prov = JSON.parse(docker(env, ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Provenance}}'])) as { SLSA: { buildType: string } };
    expect(prov.SLSA.buildType).toBe('https://mobyproject.org/buildkit@v1');

    const index = (await registryManifest(registry, repo, tag))!.body as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const att = index.manifests.find((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')!;
    const layers = ((await registryManifest(registry, repo, att.digest))!.body as { layers: { digest: string; annotations: Record<string, string> }[] }).layers;
    const own = layers.find((l) => l.annotations['in-toto.io/predicate-type'] === 'https://cogpack.dev/provenance/v1')!;
    expect(own).toBeDefined();
    const res = await fetch(`http://${registry}/v2/${repo}/blobs/${own.digest}`);
    const statement = (await res.json()) as { predicate: { buildDefinition: Record<string, any>; runDetails: { builder: { id: string } } } };
    expect(statement.predicate.runDetails.builder.id).toBe('https://cogpack.dev/builder/frontend');
    const def = statement.predicate.buildDefinition;
    expect(def.internalParameters.plan.stack).toBe('python');
    const sha = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'cog.yaml')))
      .digest('hex');
    expect(def.resolvedDependencies).toContainEqual({ name: 'cog.yaml', digest: { sha256: sha } });
  });
});
