import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
jest.setTimeout(120_000);

/** The image's layout without the image: the bundle, its launcher, proto/ops.proto one level up. */
describe('frontend bundle and launcher', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-fe-bundle-'));
  const dist = path.join(dir, 'dist');
  const launch = path.join(dist, 'launch.js');

  beforeAll(() => {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '.bin', 'tsx'), path.join(ROOT, 'scripts', 'build-frontend-bundle.ts'), dist], {
      encoding: 'utf8',
    });
    expect(built.stderr).toBe('');
    fs.mkdirSync(path.join(dir, 'proto'));
    fs.copyFileSync(path.join(ROOT, 'proto', 'ops.proto'), path.join(dir, 'proto', 'ops.proto'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds no require() of grpc-js, dockerode or the .proto parser of protos.ts', () => {
    const text = fs.readFileSync(path.join(dist, 'frontend.js'), 'utf8');
    expect(text).not.toMatch(/require\("@grpc\/|require\("dockerode"\)|require\("@grpc\/proto-loader"\)/);
    expect(text).not.toContain('loadPackageDefinition');
  });

  it('--warm writes a code cache that the next start uses', () => {
    const warm = spawnSync(process.execPath, [launch, '--warm', path.join(ROOT, 'testdata', 'cpu-minimal')], { encoding: 'utf8' });
    expect(warm.status).toBe(0);
    expect(fs.statSync(path.join(dist, 'frontend.js.cache')).size).toBeGreaterThan(100_000);
    // no daemon on stdin: the run starts, reports the cache and fails to reach LLBBridge
    const run = spawnSync(process.execPath, [launch], { encoding: 'utf8', input: '', timeout: 30_000 });
    expect(run.stderr).toMatch(/bundle loaded in \d+ ms \(code cache used\)/);
    expect(run.stdout).not.toMatch(/cogpack-frontend/); // stdout carries HTTP/2 only
  });

  it('a startup snapshot of the bundle warmed on a project starts the build from the snapshot', () => {
    const blob = path.join(dist, 'launch.blob');
    const sample = path.join(ROOT, 'testdata', 'cpu-minimal');
    const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', launch, sample], { encoding: 'utf8', cwd: dist });
    expect(built.status).toBe(0);
    expect(built.stderr).toMatch(/planned cog entry/); // the sample project ran while the snapshot was built
    const run = spawnSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8', input: '', timeout: 30_000 });
    expect(run.stderr).toMatch(/bundle loaded from the startup snapshot/);
    expect(run.stderr).toMatch(/started \(process start \d{4}-/); // the bundle's main ran, from the snapshot's main
    // no daemon on stdin: node:http2 (kept out of the snapshot) still loads, and the first call fails cleanly
    expect(run.stderr).toMatch(/the connection closed before the call ended/);
    expect(run.stdout).not.toMatch(/cogpack-frontend/);
  });

  it('a snapshot build fails when a sample project does not plan', () => {
    const blob = path.join(dist, 'bad.blob');
    const bad = path.join(ROOT, 'testdata', 'errors', 'python-2.7');
    const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', launch, bad], { encoding: 'utf8', cwd: dist });
    expect(built.status).not.toBe(0);
    expect(built.stderr).toContain('warming failed on python-2.7');
  });

  it('--warm fails when a sample project does not plan', () => {
    const warm = spawnSync(process.execPath, [launch, '--warm', path.join(ROOT, 'testdata', 'errors', 'python-2.7')], { encoding: 'utf8' });
    expect(warm.status).toBe(1);
    expect(warm.stderr).toContain('warming failed on python-2.7: cogpack: error:');
  });
});
