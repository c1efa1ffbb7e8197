/**
 * The fast start of `cogpack build`: the loader's fallbacks on a throw-away bundle, then the real CLI
 * (bin/cogpack.js after `npm run build`) through the bundle and through dist/ against the same fake
 * Docker daemon: the same --json summary, progress lines, one-line errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { startFakeDocker, type FakeDaemon } from '../buildkit/connection/fake-daemon';
import { loadBuildBundle } from './build-bundle';
import type { BundlePaths } from './plan-bundle';

const ROOT = join(__dirname, '..', '..');

describe('loadBuildBundle on a throw-away bundle', () => {
  let dir: string;
  let paths: BundlePaths;
  const argv = ['node', 'cogpack', 'build', 'proj'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cogpack-build-bundle-'));
    paths = { bundle: join(dir, 'build.js'), cache: join(dir, 'build.js.cache'), distCli: join(dir, 'cli.js') };
    writeFileSync(paths.distCli, '');
    writeFileSync(paths.bundle, 'const { join } = require("node:path");\nexports.main = async (argv) => join(__dirname, argv[2]);\n');
    utimesSync(paths.distCli, 1000, 1000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the bundle main for build (no cache file: it still runs)', async () => {
    const main = loadBuildBundle(argv, {}, paths);
    expect(main).toBeDefined();
    await expect(main!(argv)).resolves.toBe(join(dir, 'build'));
  });

  it('falls back for other commands, COGPACK_FAST_PATH=0, a stale or a missing bundle', () => {
    expect(loadBuildBundle(['node', 'cogpack', 'plan', 'x'], {}, paths)).toBeUndefined();
    expect(loadBuildBundle(['node', 'cogpack', '--help'], {}, paths)).toBeUndefined();
    expect(loadBuildBundle(argv, { COGPACK_FAST_PATH: '0' }, paths)).toBeUndefined();
    utimesSync(paths.distCli, Date.now() / 1000 + 60, Date.now() / 1000 + 60);
    expect(loadBuildBundle(argv, {}, paths)).toBeUndefined();
    rmSync(paths.bundle);
    expect(loadBuildBundle(argv, {}, paths)).toBeUndefined();
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: NodeJS.ProcessEnv): Promise<Run> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COGPACK_') || k === 'BUILDKIT_HOST') delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'cogpack.js'), ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...out }));
  });
}

/** Timings differ run to run; everything else in the summary must not. */
/** The summary without what differs between two builds of the same input: timings' values and the build ref. */
function withoutTimings(json: string): unknown {
  const s = JSON.parse(json) as { timings: Record<string, unknown>; ref: string };
  expect(s.ref).toMatch(/^[0-9a-z]{20,}$/);
  return { ...s, ref: 'R', timings: Object.keys(s.timings).sort() };
}

const built = existsSync(join(ROOT, 'dist', 'src', 'startup', 'build-bundle.js')) && existsSync(join(ROOT, 'dist', 'fast-build', 'build.js'));
if (!built) process.stderr.write('build-bundle.test: SKIPPING the CLI tests: no dist/fast-build/build.js (run `npm run build` first)\n');
const withBuild = built ? describe : describe.skip;

withBuild('bin/cogpack.js build through the bundle', () => {
  let fake: FakeDaemon;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loader = require(join(ROOT, 'dist', 'src', 'startup', 'build-bundle.js')) as typeof import('./build-bundle');
    expect(loader.loadBuildBundle(['node', 'cogpack', 'build'], {})).toBeDefined(); // else both runs would be dist/
    fake = await startFakeDocker(
      {
        Solve: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { ExporterResponse: { 'containerimage.digest': 'sha256:abc' } }),
        Status: (call: grpc.ServerWritableStream<unknown, unknown>) => {
          call.write({
            vertexes: [{ digest: 'sha256:1', name: '[code:source] COPY / /src', cached: true, started: { seconds: '1' }, completed: { seconds: '2' } }],
          });
          call.end();
        },
      },
      { echoSessions: false },
    );
    env = { DOCKER_HOST: `unix://${fake.socketPath}` };
  });
  afterAll(() => fake.close());

  it('prints the same --json summary and plain progress as dist/', async () => {
    const args = ['build', 'testdata/cpu-apt-wheel', '-t', 'x', '--cog-sdk', 'none', '--progress', 'plain', '--json'];
    const [fast, slow] = await Promise.all([cli(args, env), cli(args, { ...env, COGPACK_FAST_PATH: '0' })]);
    expect(fast.code).toBe(0);
    expect(slow.code).toBe(0);
    expect(withoutTimings(fast.stdout)).toEqual(withoutTimings(slow.stdout));
    expect((JSON.parse(fast.stdout) as { image: { digest: string } }).image.digest).toBe('sha256:abc');
    expect(fast.stderr.replace(/\d+\.\d+s/g, 'T')).toBe(slow.stderr.replace(/\d+\.\d+s/g, 'T'));
    expect(fast.stderr).toContain('[code:source] COPY / /src');
  }, 60_000);

  it('fails with the same one line and exit code as dist/ (no daemon, bad flag, bad project)', async () => {
    const cases = [
      [['build', 'testdata/cpu-minimal', '--addr', 'unix:///nonexistent/buildkitd.sock'], {}],
      [['build', 'testdata/cpu-minimal', '--secret', 'nonsense'], env],
      [['build', 'no/such/dir'], env],
      [['build', '--no-such-flag'], env],
    ] as const;
    for (const [args, e] of cases) {
      const [fast, slow] = await Promise.all([cli([...args], e), cli([...args], { ...e, COGPACK_FAST_PATH: '0' })]);
      expect({ args, ...fast }).toEqual({ args, ...slow });
      expect(fast.code).not.toBe(0);
    }
  }, 60_000);
});
