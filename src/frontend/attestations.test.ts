import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeOp } from '../../llb';
import { H2GrpcClient } from '../buildkit/connection/h2-grpc';
import { runFrontend } from './run';
import { stdioStream } from './stdio';
import { startFakeDaemon } from '../testing/fake-llbbridge';
import { frontendParameters } from './attestations';
import { parseFrontendOptions } from './options';

const REPO = path.resolve(__dirname, '..', '..');
const IMAGE_MAP = 'docker.io/library/python:3.11-slim=cogpack.local/debian-python:bookworm';
const PROXY = 'http://bob:pr0xy-pass@proxy.invalid:3128';

function frontendEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const opts = { filename: 'cog.yaml', 'build-arg:COGPACK_IMAGE_MAP': IMAGE_MAP, 'build-arg:COGPACK_COG_SDK': 'none', 'build-arg:HTTP_PROXY': PROXY, ...extra };
  const env: NodeJS.ProcessEnv = { BUILDKIT_SESSION_ID: 'sess-1' };
  Object.entries(opts).forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${k}=${v}`));
  return env;
}

async function run(fixture: string, extra: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-fe-att-'));
  fs.cpSync(path.join(REPO, 'testdata', fixture), dir, { recursive: true });
  const fake = await startFakeDaemon({ contextDir: dir, baseConfig: { Env: ['PATH=/usr/bin:/bin'] } });
  const sock = fake.connect();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  sock.pipe(stdin);
  stdout.pipe(sock);
  try {
    const status = await runFrontend(new H2GrpcClient(stdioStream(stdin, stdout)), frontendEnv(extra));
    return { fake, status, dir };
  } finally {
    sock.destroy();
    await fake.close();
  }
}

/** The predicate files the frontend solved into its attestation ref. */
function attestationFiles(solved: { def: Buffer[] }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of solved)
    for (const b of d.def)
      for (const a of decodeOp(b).file?.actions ?? []) if (a.mkfile?.path?.endsWith('.json')) out[a.mkfile.path] = Buffer.from(a.mkfile.data ?? []).toString();
  return out;
}

describe('frontend attestations (attest:* as buildx sends them)', () => {
  it("attest:provenance=mode=max: Return carries cogpack's build record (Self subject, linux/amd64); no proxy value in it", async () => {
    const { fake, status, dir } = await run('uv-lock', {
      'attest:provenance': 'mode=max',
      'vcs:revision': 'c'.repeat(40),
      'vcs:source': 'https://github.com/acme/m',
    });
    expect(status).toBe(0);
    expect(fake.returned?.error).toBeFalsy();
    const atts = fake.returned!.result.attestations['linux/amd64'].attestation;
    expect(atts).toHaveLength(1);
    expect(atts[0]).toMatchObject({ path: '/cogpack-provenance.json', inTotoPredicateType: 'https://cogpack.dev/provenance/v1' });
    const text = attestationFiles(fake.solved)['/cogpack-provenance.json'];
    const p = JSON.parse(text);
    expect(p.runDetails.builder.id).toBe('https://cogpack.dev/builder/frontend');
    expect(p.buildDefinition.internalParameters.plan.stack).toBe('python');
    const sha = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'uv.lock')))
      .digest('hex');
    expect(p.buildDefinition.resolvedDependencies).toContainEqual({ name: 'uv.lock', digest: { sha256: sha } });
    expect(p.buildDefinition.resolvedDependencies).toContainEqual(expect.objectContaining({ digest: { gitCommit: 'c'.repeat(40) } }));
    expect(p.buildDefinition.externalParameters.buildArgs.HTTP_PROXY).toBeNull();
    expect(text).not.toContain('pr0xy-pass');
  });

  it('no attest option: no attestations; disabled=true likewise', async () => {
    for (const extra of [{}, { 'attest:provenance': 'disabled=true' }] as Record<string, string>[]) {
      const { fake } = await run('cpu-minimal', extra);
      expect(fake.returned?.result?.attestations ?? {}).toEqual({});
    }
  });

  it('a malformed attest value fails the build with one line', async () => {
    const { fake } = await run('cpu-minimal', { 'attest:provenance': 'mode=everything' });
    expect(fake.returned?.error?.message).toMatch(/attest:provenance "mode=everything".*E_ATTEST_VALUE/);
  });

  it('parameters show build-arg values only for COGPACK_* and SOURCE_DATE_EPOCH', () => {
    const opts = parseFrontendOptions(frontendEnv({ 'build-arg:SOURCE_DATE_EPOCH': '5', 'build-arg:TOKEN': 'x' }));
    expect(frontendParameters(opts)).toEqual({
      options: { filename: 'cog.yaml' },
      buildArgs: { COGPACK_COG_SDK: 'none', COGPACK_IMAGE_MAP: IMAGE_MAP, HTTP_PROXY: null, SOURCE_DATE_EPOCH: '5', TOKEN: null },
    });
  });
});
