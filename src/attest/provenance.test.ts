import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planProject } from '../../stacks/plan-project';
import { attestRequest, cliFacts, cliParameters, daemonProvenanceMode, provenanceWarnings } from '../buildkit/build/build-attest';
import { parseOutputSpec } from '../buildkit/export/output-spec';
import { attestationDocuments, type AttestInput } from './index';
import { BUILD_RECORD_PREDICATE, buildRecordAttestation, provenanceAttrs } from './provenance';
import { candidateFiles, projectFileDigests } from './facts';

const fixture = (name: string) => path.join(__dirname, '..', '..', 'testdata', name);

function copy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-prov-'));
  fs.cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

const SECRET = 'hf_s3cr3t-value-never-shown';
const PROXY = 'http://alice:pr0xy-pass@proxy.example:3128';

async function record(name: string, mode: 'min' | 'max', extra: { buildArgs?: Record<string, string> } = {}) {
  const dir = copy(name);
  const { plan } = await planProject(dir, { cogSdk: 'none', env: {} });
  const outputs = ['type=image,name=127.0.0.1:5000/x:1,push=true'].map(parseOutputSpec);
  const o = {
    provenance: `mode=${mode}`,
    tags: ['x:1'],
    buildArgs: { HTTP_PROXY: PROXY, https_proxy: PROXY, COGPACK_WEIGHTS_THRESHOLD_MB: '5', SOURCE_DATE_EPOCH: '1700000000', TOKEN: SECRET, ...extra.buildArgs },
  };
  const attest = attestRequest(o, outputs);
  const facts = await cliFacts(dir, plan, cliParameters(o, attest, outputs, ['hf_token']), {
    'org.opencontainers.image.revision': 'a'.repeat(40),
    'org.opencontainers.image.source': 'https://github.com/acme/model',
    'org.opencontainers.image.version': 'v1-dirty',
  });
  const input = {
    plan,
    facts,
    baseImages: [{ ref: plan.base_image.runtime, digest: `sha256:${'b'.repeat(64)}` }],
    sourceDateEpoch: 1700000000,
  } as unknown as AttestInput;
  return { dir, plan, attest, docs: await attestationDocuments(input, attest) };
}

describe("cogpack's build record (provenance facts beside the daemon's SLSA provenance)", () => {
  it('uv-lock, mode=max: plan digest, version, base image digest, git commit, digests of cog.yaml/pyproject.toml/uv.lock, the plan', async () => {
    const { dir, docs } = await record('uv-lock', 'max');
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc).toMatchObject({ predicateType: BUILD_RECORD_PREDICATE, fileName: 'cogpack-provenance.json', reason: 'provenance' });
    const p = JSON.parse(doc.predicate.toString());
    const sha = (f: string) =>
      createHash('sha256')
        .update(fs.readFileSync(path.join(dir, f)))
        .digest('hex');
    expect(p.buildDefinition.internalParameters).toMatchObject({
      via: 'cli',
      cogpackVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      planDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      sourceDateEpoch: 1700000000,
    });
    expect(p.buildDefinition.internalParameters.plan.base_image.runtime).toBe('docker.io/library/python:3.12-slim');
    const deps = p.buildDefinition.resolvedDependencies;
    expect(deps).toContainEqual({ uri: 'docker-image://docker.io/library/python:3.12-slim', digest: { sha256: 'b'.repeat(64) } });
    expect(deps).toContainEqual({
      uri: `git+https://github.com/acme/model@${'a'.repeat(40)}`,
      digest: { gitCommit: 'a'.repeat(40) },
      annotations: { dirty: 'true' },
    });
    for (const f of ['cog.yaml', 'pyproject.toml', 'uv.lock']) expect(deps).toContainEqual({ name: f, digest: { sha256: sha(f) } });
    expect(p.runDetails.builder.id).toBe('https://cogpack.dev/builder/cli');
  });

  it('mode=min has no plan; a requirements file, a local wheel and nested -r files are materials', async () => {
    const { docs, dir } = await record('cpu-apt-wheel', 'min');
    const p = JSON.parse(docs[0].predicate.toString());
    expect(p.buildDefinition.internalParameters.plan).toBeUndefined();
    const names = p.buildDefinition.resolvedDependencies.map((d: { name?: string }) => d.name).filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['cog.yaml', 'requirements.txt', 'wheels/cogpack_hello-1.0-py3-none-any.whl']));
    fs.mkdirSync(path.join(dir, 'requirements'));
    expect(
      candidateFiles({
        ...(await planProject(dir, { cogSdk: 'none', env: {} })).plan,
        dependencies: { a: { name: 'a', provider: 'pip', requested_version: '', resolved_version: '1', source: 'requirements/base.txt:2' } },
      }),
    ).toContain('requirements/base.txt');
  });

  it("never holds a --secret value, a proxy build-arg value or an unused build arg's value; shows their names", async () => {
    for (const mode of ['min', 'max'] as const) {
      const { docs } = await record('build-run-secret', mode);
      const text = docs[0].predicate.toString();
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('pr0xy-pass');
      expect(text).not.toContain('proxy.example');
      const ext = JSON.parse(text).buildDefinition.externalParameters;
      expect(ext.buildArgs).toEqual({ COGPACK_WEIGHTS_THRESHOLD_MB: '5', HTTP_PROXY: null, SOURCE_DATE_EPOCH: '1700000000', TOKEN: null, https_proxy: null });
      expect(ext.secrets).toEqual(['hf_token']);
    }
  });

  it('the same input gives the same bytes (no clock, no random id)', async () => {
    const a = await record('uv-lock', 'max');
    const b = await record('uv-lock', 'max');
    expect(a.docs[0].predicate.equals(b.docs[0].predicate)).toBe(true);
    const facts = { cogpackVersion: '1', via: 'cli' as const, parameters: {}, baseImages: [], files: {} };
    expect(buildRecordAttestation(a.plan, facts, 'min').predicate.equals(buildRecordAttestation(a.plan, facts, 'min').predicate)).toBe(true);
  });
});

describe("the daemon's SLSA provenance", () => {
  it('is asked for with attest:provenance; mode=max falls back to min when a proxy would be recorded', () => {
    expect(provenanceAttrs('max')).toEqual({ 'attest:provenance': 'mode=max' });
    expect(daemonProvenanceMode({ provenance: 'max' }, { HTTP_PROXY: PROXY })).toBe('min');
    expect(daemonProvenanceMode({ provenance: 'max' }, { no_proxy: 'x' })).toBe('min');
    expect(daemonProvenanceMode({ provenance: 'max' }, { SOURCE_DATE_EPOCH: '1' })).toBe('max');
    expect(provenanceWarnings({ provenance: 'max' }, { HTTP_PROXY: PROXY })[0]).toMatch(/mode=min/);
    expect(provenanceWarnings({ provenance: 'min' }, { HTTP_PROXY: PROXY })).toEqual([]);
  });

  it('defaults: mode=min for a push, none for a load, --provenance false wins', () => {
    const push = [parseOutputSpec('type=registry,name=127.0.0.1:5000/x:1')];
    expect(attestRequest({}, push)).toEqual({ provenance: 'min' });
    expect(attestRequest({}, [parseOutputSpec('type=docker')])).toEqual({});
    expect(attestRequest({ provenance: 'false' }, push)).toEqual({});
    expect(attestRequest({ provenance: 'mode=max', sbom: true }, [])).toEqual({ provenance: 'max', sbom: true });
  });
});

describe('project file digests', () => {
  it('weights contexts are not materials; files only under the context, sorted', async () => {
    const dir = copy('weights');
    const { plan } = await planProject(dir, { cogSdk: 'none', env: {} });
    const files = await projectFileDigests(plan, { dir });
    expect(Object.keys(files)).toEqual(['cog.yaml']);
  });
});
