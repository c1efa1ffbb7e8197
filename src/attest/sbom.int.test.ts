/**
 * The SBOM checked against the image it describes (issue 16 part 4): cpu-apt-wheel (apt jq, a local wheel)
 * built with --sbom and pushed to the test registry; `docker buildx imagetools inspect --format '{{json .SBOM}}'`
 * reads the SPDX document back, whose deb and PyPI packages must equal `dpkg-query -W` and `pip list` run in
 * the image, each attributed to the layer that brought it; a second build from scratch of the SBOM (no package
 * cache) gives the same attestation bytes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithDaemon, docker, registryManifest, testRegistry, type DaemonEnv } from '../testing';
import { buildProject, type BuildOptions } from '../buildkit/build/build';
import { copyFixture, progressSink } from '../testing/build-support';
import { normalizeName } from './sbom-python';
import { spdxProblems } from './sbom-spdx-check';
import type { SpdxDocument } from './sbom-spdx';

jest.setTimeout(900_000);

type Manifest = { manifests?: { digest: string; annotations?: Record<string, string> }[]; layers?: { digest: string; annotations?: Record<string, string> }[] };

/** The raw in-toto statement of the SPDX attestation of `repo:tag`: index → attestation manifest → its SPDX layer. */
async function sbomStatement(registry: string, repo: string, tag: string): Promise<Buffer> {
  const index = (await registryManifest(registry, repo, tag))!.body as Manifest;
  const att = index.manifests?.find((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
  if (!att) throw new Error(`${repo}:${tag} has no attestation manifest: ${JSON.stringify(index)}`);
  const manifest = (await registryManifest(registry, repo, att.digest))!.body as Manifest;
  const layer = manifest.layers?.find((l) => l.annotations?.['in-toto.io/predicate-type'] === 'https://spdx.dev/Document');
  if (!layer) throw new Error(`no SPDX layer in ${JSON.stringify(manifest)}`);
  return Buffer.from(await (await fetch(`http://${registry}/v2/${repo}/blobs/${layer.digest}`)).arrayBuffer());
}

/** deb name:arch=version and normalised pypi name=version, from the purls. */
function packageSets(doc: SpdxDocument): { debs: string[]; pypi: string[] } {
  const purls = doc.packages.flatMap((p) => p.externalRefs ?? []).map((r) => r.referenceLocator);
  const debs = purls
    .filter((p) => p.startsWith('pkg:deb/'))
    .map((p) => {
      const m = /^pkg:deb\/[^/]+\/([^@]+)@([^?]+)\?arch=([^&]+)/.exec(p)!;
      return `${decodeURIComponent(m[1])}:${decodeURIComponent(m[3])}=${decodeURIComponent(m[2])}`;
    });
  const pypi = purls
    .filter((p) => p.startsWith('pkg:pypi/'))
    .map((p) => {
      const m = /^pkg:pypi\/([^@]+)@(.+)$/.exec(p)!;
      return `${decodeURIComponent(m[1])}=${decodeURIComponent(m[2])}`;
    });
  return { debs: debs.sort(), pypi: pypi.sort() };
}

describeWithDaemon('--sbom on the real daemon', (denv: DaemonEnv) => {
  const env = { ...process.env, ...denv };
  const registry = testRegistry(env);
  const created: string[] = [];
  afterAll(() => {
    for (const ref of created) docker(denv, ['image', 'rm', '-f', ref]);
  });

  it('cpu-apt-wheel: the SBOM lists exactly what dpkg and pip see in the image, by layer, and the same bytes twice', async () => {
    if (!registry) return console.warn('--sbom not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const dir = copyFixture('cpu-apt-wheel');
    const repo = 'cogpack-it/sbom';
    // one tag for both pushes too: BuildKit names the subject of the in-toto statement after it
    const tag = String(process.pid);
    // one local name for both builds: the document is named after the image's first name
    const local = `cogpack-it/sbom:${process.pid}`;
    const build = (o: BuildOptions = {}) => {
      created.push(local, `${registry}/${repo}:${tag}`);
      return buildProject(dir, {
        cogSdk: 'none',
        env,
        progress: 'quiet',
        progressOut: progressSink().out,
        sbom: true,
        sourceDateEpoch: '1700000000',
        outputs: [`type=docker,name=${local}`, `type=image,name=${registry}/${repo}:${tag},push=true,registry.insecure=true`],
        ...o,
      });
    };
    await build();
    const first = await sbomStatement(registry, repo, tag);
    const inspected = docker(denv, ['buildx', 'imagetools', 'inspect', `${registry}/${repo}:${tag}`, '--format', '{{json .SBOM}}']);
    const doc = (JSON.parse(inspected) as { SPDX: SpdxDocument }).SPDX;
    expect(spdxProblems(doc)).toEqual([]);
    expect(doc.creationInfo.created).toBe('2023-11-14T22:13:20Z');

    const image = local;
    const dpkg = docker(denv, [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'dpkg-query',
      image,
      '-W',
      '-f',
      '${Package}:${Architecture}=${Version}\\n',
    ]);
    const pip = JSON.parse(
      docker(denv, [
        'run',
        '--rm',
        '--network',
        'none',
        '-e',
        'PIP_DISABLE_PIP_VERSION_CHECK=1',
        '--entrypoint',
        'python',
        image,
        '-m',
        'pip',
        'list',
        '--format',
        'json',
      ]),
    ) as { name: string; version: string }[];
    const sets = packageSets(doc);
    expect(sets.debs).toEqual(dpkg.trim().split('\n').sort());
    expect(sets.pypi).toEqual(pip.map((p) => `${normalizeName(p.name)}=${p.version}`).sort());
    expect(sets.pypi).toContain('cogpack-hello=1.0');

    const byId = new Map(doc.packages.map((p) => [p.SPDXID, p.name]));
    const layerOf = (name: string) =>
      doc.relationships.filter((r) => r.relationshipType === 'CONTAINS' && byId.get(r.relatedSpdxElement) === name).map((r) => byId.get(r.spdxElementId));
    expect(layerOf('jq')).toEqual(['system:apt']);
    expect(layerOf('cogpack_hello')).toEqual(['deps:pip']);
    expect(layerOf('libc6')).toEqual([doc.packages.find((p) => p.SPDXID === 'SPDXRef-Base')!.name]);

    // again with an empty SBOM package cache: everything is read anew, and the attestation is the same bytes
    const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-cache-'));
    await build({ env: { ...env, COGPACK_CACHE_DIR: emptyCache } });
    fs.rmSync(emptyCache, { recursive: true, force: true });
    const second = await sbomStatement(registry, repo, tag);
    expect(second.equals(first)).toBe(true);
    expect(JSON.parse(first.toString()).predicate).toEqual(doc);
  });
});
