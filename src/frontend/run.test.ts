import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeDefinition, envImageRefs, planToLlb, mergeImageConfig } from '../../llb';
import { serializePlan } from '../../planner';
import { planProject } from '../../stacks/plan-project';
import { loadImageMap } from '../../planner/image-map';
import { wantsCogBuildLabels, withLabels } from '../buildkit/build/cog-build-labels';
import { CogpackError } from '../errors';
import { H2GrpcClient } from '../buildkit/connection/h2-grpc';
import { runFrontend } from './run';
import { stdioStream } from './stdio';
import { startFakeDaemon, type FakeDaemon } from '../testing/fake-llbbridge';

const REPO = path.resolve(__dirname, '..', '..');
const IMAGE_MAP = 'docker.io/library/python:3.11-slim=cogpack.local/debian-python:bookworm';
const BASE = { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Cmd: ['python3'], WorkingDir: '' };

function frontendEnv(filename: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const opts = { filename, 'build-arg:COGPACK_IMAGE_MAP': IMAGE_MAP, 'build-arg:COGPACK_COG_SDK': 'none', ...extra };
  const env: NodeJS.ProcessEnv = { BUILDKIT_SESSION_ID: 'sess-1' };
  Object.entries(opts).forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${k}=${v}`));
  return env;
}

/** Runs the frontend against the fake daemon over HTTP/2 on plain streams, the way stdin/stdout carry it. */
async function runAgainst(dir: string, env: NodeJS.ProcessEnv): Promise<{ fake: FakeDaemon; status: number }> {
  const fake = await startFakeDaemon({ contextDir: dir, baseConfig: BASE });
  const sock = fake.connect();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  sock.pipe(stdin);
  stdout.pipe(sock);
  const client = new H2GrpcClient(stdioStream(stdin, stdout));
  try {
    return { fake, status: await runFrontend(client, env) };
  } finally {
    sock.destroy();
    await fake.close();
  }
}

async function cliPlan(dir: string) {
  const env = { COGPACK_IMAGE_MAP: IMAGE_MAP, COGPACK_COG_SDK: 'none' };
  return (await planProject(dir, { imageMap: loadImageMap([], env), env })).plan;
}

/** The LLB `cogpack build` makes of `plan` when every image's config is BASE (what the fake resolves each image to). */
function cliLlb(plan: Awaited<ReturnType<typeof cliPlan>>, opts: { noCache?: boolean } = {}) {
  const imageEnv = Object.fromEntries(envImageRefs(plan).map((r) => [r, BASE.Env]));
  return planToLlb(plan, { sessionId: 'sess-1', localName: () => 'context', imageEnv, ...opts });
}

const lexists = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
/** What a user passes with -f; buildx sends "Dockerfile" when there is no -f. */
const entryOf = (dir: string) => ['cog.yaml', 'pyproject.toml'].find((f) => lexists(path.join(dir, f))) ?? 'Dockerfile';
const readFiles = (fake: FakeDaemon) => fake.calls.filter(([m]) => m === 'ReadFile').map(([, r]) => r.FilePath as string);

/** The solve of the image the frontend returned (a cog model's pip freeze read-back is solved after it). */
function imageSolve(fake: FakeDaemon): FakeDaemon['solved'][number] {
  return fake.solved[Number(fake.returned!.result.ref.id.replace(/^ref-/, '')) - 1];
}

describe('frontend run against a fake LLBBridge daemon', () => {
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true)); // the daemon-log lines
  afterAll(() => jest.restoreAllMocks());
  const fixtures = fs
    .readdirSync(path.join(REPO, 'testdata'))
    .filter((n) => n !== 'errors' && n !== 'cog-schema' && fs.statSync(path.join(REPO, 'testdata', n)).isDirectory());

  it.each(fixtures)('%s: solves exactly the LLB the CLI would and returns the merged config', async (name) => {
    const dir = path.join(REPO, 'testdata', name);
    const { fake, status } = await runAgainst(dir, frontendEnv(entryOf(dir)));
    expect(status).toBe(0);
    expect(fake.returned?.error).toBeUndefined();
    const plan = await cliPlan(dir);
    const refs = envImageRefs(plan);
    const llb = cliLlb(plan);
    const resolved = fake.calls.filter(([m]) => m === 'ResolveImageConfig').map(([, r]) => r.Ref as string);
    expect([...resolved].sort()).toEqual([...new Set([plan.base_image.runtime, ...refs])].sort());
    const final = imageSolve(fake);
    expect(Buffer.concat(final.def).equals(Buffer.concat(Array.from(decodeDefs(llb.definition))))).toBe(true);
    const config = JSON.parse(fake.returned!.result.metadata['containerimage.config'].toString());
    const merged = mergeImageConfig(llb.imageConfig, { architecture: 'amd64', os: 'linux', config: { Env: BASE.Env, Cmd: BASE.Cmd } });
    // a cog model's pip freeze is read back from the build: the fake's command printed nothing
    expect(config).toEqual(wantsCogBuildLabels(plan) ? withLabels(merged, { 'run.cog.pip_freeze': '' }) : merged);
  });

  it('reads only the files the planner reads: an included requirements file is fetched, weights never are', async () => {
    const { fake } = await runAgainst(path.join(REPO, 'testdata', 'requirements-indexes'), frontendEnv('cog.yaml'));
    expect(readFiles(fake)).toEqual(expect.arrayContaining(['requirements/prod.txt', 'requirements/base.txt']));
    const w = await runAgainst(path.join(REPO, 'testdata', 'weights'), frontendEnv('cog.yaml'));
    expect(readFiles(w.fake).filter((f) => /shard|extra\.bin/.test(f))).toEqual([]);
  });

  it('no-cache sets ignore_cache on every op, as cogpack build --no-cache does', async () => {
    const dir = path.join(REPO, 'testdata', 'cpu-minimal');
    const { fake } = await runAgainst(dir, frontendEnv('cog.yaml', { 'no-cache': '' }));
    const llb = cliLlb(await cliPlan(dir), { noCache: true });
    expect(Buffer.concat(imageSolve(fake).def).equals(Buffer.concat(decodeDefs(llb.definition)))).toBe(true);
    const sent = (imageSolve(fake) as unknown as { metadata: Record<string, { ignore_cache?: boolean }> }).metadata;
    const ops = imageSolve(fake).def.length;
    expect(Object.values(sent).filter((m) => m.ignore_cache).length).toBe(ops - 1); // all but the terminal op
  });

  it('a plan JSON entry file is solved without the planner', async () => {
    const plan = await cliPlan(path.join(REPO, 'testdata', 'cpu-minimal'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fe-plan-'));
    fs.writeFileSync(path.join(dir, 'plan.json'), serializePlan(plan));
    const { fake } = await runAgainst(dir, frontendEnv('plan.json'));
    expect(fake.calls.some(([m, r]) => m === 'ReadDir' && r.Ref !== 'ref-1')).toBe(false); // no context scan
    const llb = cliLlb(plan);
    expect(Buffer.concat(imageSolve(fake).def).equals(Buffer.concat(decodeDefs(llb.definition)))).toBe(true);
  });

  const errorCases = fs.readdirSync(path.join(REPO, 'testdata', 'errors')).filter((n) => {
    const d = path.join(REPO, 'testdata', 'errors', n);
    const entry = path.join(d, entryOf(d));
    return !lexists(entry) || !fs.lstatSync(entry).isSymbolicLink(); // a looping entry file never reaches the frontend
  });

  it.each(errorCases)('errors/%s: Return carries the one line the CLI prints', async (name) => {
    const dir = path.join(REPO, 'testdata', 'errors', name);
    const cliError = await cliPlan(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(cliError).toBeInstanceOf(CogpackError);
    const { fake, status } = await runAgainst(dir, frontendEnv(entryOf(dir)));
    expect(status).toBe(0);
    expect(fake.returned?.error?.message).toBe(`cogpack: error: ${(cliError as CogpackError).toOneLine()}`);
  });

  /** A fixture copy with a .dockerignore (and extra files): the frontend never receives what it excludes. */
  function ignoring(fixture: string, dockerignore: string, extra: Record<string, string> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fe-ignore-'));
    fs.cpSync(path.join(REPO, 'testdata', fixture), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.dockerignore'), dockerignore);
    for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
    return dir;
  }

  it.each([
    ['a wheel dir', 'cpu-apt-wheel', 'wheels/\n', {}],
    ['an -r include', 'cpu-apt-wheel', 'extra-*\n', { 'requirements.txt': '-r extra-reqs.txt\n', 'extra-reqs.txt': 'six\n' }],
    ['declared weights', 'weights', 'checkpoints\n', {}],
  ])('.dockerignore excluding %s: the same E_PATH_EXCLUDED line as the CLI', async (_what, fixture, ignore, extra) => {
    const dir = ignoring(fixture, ignore, extra);
    const cliError = (await cliPlan(dir).then(
      () => null,
      (e: unknown) => e,
    )) as CogpackError;
    expect(cliError.code).toBe('E_PATH_EXCLUDED');
    const { fake } = await runAgainst(dir, frontendEnv('cog.yaml'));
    expect(fake.returned?.error?.message).toBe(`cogpack: error: ${cliError.toOneLine()}`);
  });

  it('.dockerignore excluding uv.lock and .python-version: both paths plan without them, to the same LLB', async () => {
    const dir = ignoring('uv-lock', 'uv.lock\n.python-version\n', { '.python-version': '3.12\n' });
    const { fake } = await runAgainst(dir, frontendEnv('cog.yaml'));
    expect(fake.returned?.error).toBeUndefined();
    const llb = cliLlb(await cliPlan(dir));
    expect(Buffer.concat(imageSolve(fake).def).equals(Buffer.concat(decodeDefs(llb.definition)))).toBe(true);
  });

  it('reads the entry and ignore files without listing them first: ReadDir runs only on the context scan', async () => {
    const dir = path.join(REPO, 'testdata', 'dockerignore');
    const { fake, status } = await runAgainst(dir, frontendEnv('cog.yaml'));
    expect(status).toBe(0);
    expect(fake.returned?.error).toBeUndefined();
    const scanAt = fake.calls
      .map(([m]) => m)
      .lastIndexOf(
        'Solve',
        fake.calls.findIndex(([m]) => m === 'ReadDir'),
      );
    expect(fake.calls.filter(([m]) => m === 'Solve').length).toBe(5); // entry, ignore files, scan, the build, the pip freeze read-back
    expect(fake.calls.slice(0, scanAt).filter(([m]) => m === 'ReadDir')).toEqual([]);
    expect(new Set(fake.calls.filter(([m]) => m === 'ReadDir').map(([, r]) => r.Ref)).size).toBe(1);
    expect(readFiles(fake)).toEqual(expect.arrayContaining(['cog.yaml', '.dockerignore', '.cogignore']));
  });

  it("a symlinked .dockerignore is followed, as the CLI reads it, and the plan matches the CLI's", async () => {
    const dir = ignoring('cpu-apt-wheel', '');
    fs.rmSync(path.join(dir, '.dockerignore'));
    fs.writeFileSync(path.join(dir, 'ignore-rules'), 'extra-*\n');
    fs.symlinkSync('ignore-rules', path.join(dir, '.dockerignore'));
    fs.writeFileSync(path.join(dir, 'extra-notes.txt'), 'left out\n');
    const { fake } = await runAgainst(dir, frontendEnv('cog.yaml'));
    expect(fake.returned?.error).toBeUndefined();
    const llb = cliLlb(await cliPlan(dir));
    expect(Buffer.concat(imageSolve(fake).def).equals(Buffer.concat(decodeDefs(llb.definition)))).toBe(true);
  });

  it('-f naming a file that is not there: one E_FRONTEND_ENTRY line', async () => {
    const { fake } = await runAgainst(path.join(REPO, 'testdata', 'cpu-minimal'), frontendEnv('other.yaml'));
    expect(fake.returned?.error?.message).toMatch(/^cogpack: error: .*no other\.yaml in the build context.*\[E_FRONTEND_ENTRY\]$/);
  });

  it("refuses a platform other than the plan's and a daemon without merge/diff, with one line each", async () => {
    const dir = path.join(REPO, 'testdata', 'cpu-minimal');
    const arm = await runAgainst(dir, frontendEnv('cog.yaml', { platform: 'linux/arm64' }));
    expect(arm.fake.returned?.error?.message).toMatch(/^cogpack: error: platform "linux\/arm64" is not supported.*\[E_FRONTEND_PLATFORM\]$/);
    const fake = await startFakeDaemon({ contextDir: dir, llbCaps: [] });
    const client = new H2GrpcClient(fake.connect());
    await runFrontend(client, frontendEnv('cog.yaml'));
    await fake.close();
    expect(fake.returned?.error?.message).toMatch(/mergeop\/diffop.*\[E_FRONTEND_CAPS\]/);
  });
});

/** The Definition's op bytes in order (what the fake received after grpc-js decoding). */
function decodeDefs(definition: Uint8Array): Buffer[] {
  return decodeDefinition(definition).def.map((b: Uint8Array) => Buffer.from(b));
}
