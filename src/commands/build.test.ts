import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../cli';
import { startFakeDocker } from '../buildkit/connection/fake-daemon';

jest.setTimeout(30_000); // the first CLI run loads every module; on a loaded machine that alone neared the 5 s default

const fixture = path.resolve(__dirname, '..', '..', 'testdata', 'cpu-minimal');

/** Runs the CLI in-process; returns the exit status and what went to stderr. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, { BUILDKIT_HOST: undefined, DOCKER_HOST: undefined, ...env });
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => chunks.push(String(s)) > 0);
  process.exitCode = 0;
  try {
    await main(['node', 'cogpack', 'build', ...args]);
    return { code: Number(process.exitCode ?? 0), stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = 0;
    process.env = saved;
  }
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('cogpack: error:'));

describe('cogpack build failures (no daemon needed)', () => {
  it('no daemon: exit 3 and one line naming what was tried', async () => {
    const r = await cli([fixture, '--cog-sdk', 'none', '--addr', 'unix:///nonexistent/buildkitd.sock']);
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toEqual([
      'cogpack: error: no BuildKit answered; tried unix:///nonexistent/buildkitd.sock (no socket); fix: start one (npm run buildkit:up) or pass --addr unix://…|tcp://…|docker:// [E_NO_DAEMON]',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('a bad --secret spec: exit 64 before anything is built', async () => {
    const r = await cli([fixture, '--cog-sdk', 'none', '--secret', 'id=tok,source=/x,bogus', '--addr', 'unix:///nonexistent.sock']);
    expect(r.code).toBe(64);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--secret|secret/);
  });

  it('an unwritable --output: exit 73 before connecting', async () => {
    const r = await cli([fixture, '--cog-sdk', 'none', '-o', 'type=oci,dest=/proc/cogpack/out.tar', '--addr', 'unix:///nonexistent.sock']);
    expect(r.code).toBe(73);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/--output oci: \/proc\/cogpack\/out.tar is not writable/)]);
  });

  it('a daemon that drops the connection mid-build: exit 3, "went away mid-build"', async () => {
    const fake = await startFakeDocker(
      {
        Solve: () => setTimeout(() => void fake.close(), 100), // the daemon dies while solving
        Status: () => undefined,
      },
      { echoSessions: false },
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-'));
    fs.cpSync(fixture, dir, { recursive: true });
    const r = await cli(
      [dir, '--cog-sdk', 'none', '--progress', 'quiet', '--image-map', 'docker.io/library/python:3.11-slim=cogpack.local/debian-python:bookworm'],
      { DOCKER_HOST: `unix://${fake.socketPath}` },
    );
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/BuildKit at docker unix:\/\/.* went away mid-build/)]);
    fs.rmSync(dir, { recursive: true });
  });

  it('unknown --progress and malformed --build-arg are usage errors (exit 64)', async () => {
    expect((await cli([fixture, '--progress', 'fancy'])).code).toBe(64);
    expect((await cli([fixture, '--build-arg', 'NOVALUE'])).code).toBe(64);
  });

  it('a cog.yaml with none of run/predict/train: exit 2 and one line, as cog build fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nopred-'));
    fs.writeFileSync(path.join(dir, 'cog.yaml'), 'build:\n  python_version: "3.11"\n');
    const r = await cli([dir, '--cog-sdk', 'none', '--addr', 'unix:///nonexistent.sock']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      'cogpack: error: cog.yaml:1: cog.yaml sets none of run, predict or train, so the image would serve nothing; fix: add run: "predict.py:Predictor" (the file and class of your predictor) [E_COG_YAML_NO_PREDICTOR]',
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});
