/**
 * cogpack images served by cog's own runtime: Replicate's cog SDK 0.13.6 and its 24 dependencies as wheels
 * (../shared/cog-runtime, offline). Four fixtures are built with `--cog-sdk …/cog-0.13.6-py3-none-any.whl`
 * (its dependencies found beside it), run with `-p 127.0.0.1:PORT:5000`, and answer POST /predictions
 * (/trainings) once GET /health-check says READY; every label of cog's image contract is read back from the
 * image and checked. One more is built through the frontend image and served the same way.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProject } from './build';
import { cogWheelhouse, COG_SDK_VERSION, describeWithDaemon, docker, dockerTry, frontendImage, REPO_ROOT, type DaemonEnv } from '../../testing';

jest.setTimeout(900_000);

const WHEELHOUSE = cogWheelhouse();
const SDK_VERSION = COG_SDK_VERSION;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function post(url: string, body: unknown): Promise<Reply> {
  const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) };
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const dataUrlText = (u: unknown) => {
  const m = /^data:[^;,]*;base64,(.*)$/.exec(String(u));
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : `(not a data URL: ${String(u).slice(0, 80)})`;
};

function gitOut(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

describeWithDaemon('cogpack images served by the real cog runtime (SDK 0.13.6, offline)', (env: DaemonEnv) => {
  if (!WHEELHOUSE) {
    it.skip('(skipped: no shared/cog-runtime/wheelhouse above this checkout)', () => undefined);
    return;
  }
  const wheel = path.join(WHEELHOUSE, `cog-${SDK_VERSION}-py3-none-any.whl`);
  const fullEnv = { ...process.env, ...env };
  const sink = { write: () => true, isTTY: false };
  const tag = (name: string) => `cogpack-it/cog-runtime-${name}:${process.pid}`;
  const images = new Set<string>();
  const containers: string[] = [];
  const temps: string[] = [];

  afterAll(() => {
    for (const c of containers) dockerTry(env, ['rm', '-f', c]);
    for (const i of images) dockerTry(env, ['image', 'rm', '-f', i]);
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  async function build(fixture: string): Promise<string> {
    const name = tag(fixture);
    images.add(name);
    await buildProject(path.join(REPO_ROOT, 'testdata', fixture), { cogSdk: wheel, env: fullEnv, tags: [name], progress: 'quiet', progressOut: sink });
    return name;
  }

  function labels(image: string): Record<string, string> {
    return JSON.parse(docker(env, ['image', 'inspect', '--format', '{{json .Config.Labels}}', image])) as Record<string, string>;
  }

  /** Runs the image detached on a free loopback port and waits (bounded) for /health-check READY. */
  async function serve(image: string, cmd: string[] = []): Promise<string> {
    const port = await freePort();
    const id = docker(env, ['run', '-d', '-p', `127.0.0.1:${port}:5000`, image, ...cmd]).trim();
    containers.push(id);
    const url = `http://127.0.0.1:${port}`;
    let last = '';
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
      try {
        const health = (await (await fetch(`${url}/health-check`, { signal: AbortSignal.timeout(5_000) })).json()) as { status?: string };
        last = JSON.stringify(health);
        if (health.status === 'READY') return url;
        if (health.status === 'SETUP_FAILED') break;
      } catch (e) {
        last = String(e);
      }
    }
    throw new Error(`${image} never became READY (last: ${last})\n${dockerTry(env, ['logs', id]).stderr.slice(-3000)}`);
  }

  it('(a) str/int/float/bool inputs with Input() constraints and a BaseModel output; 422 out of range; every cog label', async () => {
    const image = await build('cog-runtime-basic');
    const url = await serve(image);
    const full = await post(`${url}/predictions`, { input: { text: 'ab', count: 3, scale: 0.5, shout: true, joiner: 'dash' } });
    expect(full.body.error).toBeNull();
    expect(full).toMatchObject({ status: 200, body: { status: 'succeeded', output: { text: 'AB-AB-AB', count: 3, scaled: 1.5, shout: true } } });
    const defaults = await post(`${url}/predictions`, { input: {} });
    expect(defaults.body.output).toEqual({ text: 'hi hi', count: 2, scaled: 3, shout: false });
    const tooMany = await post(`${url}/predictions`, { input: { count: 9 } });
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(tooMany.body)).toContain('less than or equal to 5');
    expect((await post(`${url}/predictions`, { input: { joiner: 'comma' } })).status).toBe(422);

    const l = labels(image);
    expect(l['run.cog.version']).toBe(SDK_VERSION);
    expect(l['run.cog.config']).toBe('{"build":{"python_version":"3.11"},"predict":"predict.py:Predictor"}');
    expect(l['run.cog.has_init']).toBe('true');
    // taken inside the build, it is what `python -m pip freeze` prints in the image (as cog takes it)
    expect(l['run.cog.pip_freeze']).toBe(docker(env, ['run', '--rm', '--network=none', image, 'python', '-m', 'pip', 'freeze']));
    expect(l['run.cog.pip_freeze']).toContain(`cog @ file:///cogpack/sdk/cog-${SDK_VERSION}-py3-none-any.whl\n`);
    expect(l['run.cog.pip_freeze']).toMatch(/^fastapi==0\.92\.0$/m);
    expect(l['run.cog.pip_freeze']).toMatch(/^pydantic==1\.10\.4$/m);
    const head = gitOut(['rev-parse', 'HEAD']);
    expect(l['org.opencontainers.image.revision']).toBe(head || undefined);
    expect(l['org.opencontainers.image.version']).toBe(gitOut(['describe', '--tags', '--dirty']) || undefined);
    expect(l['org.opencontainers.image.source']).toBe(gitOut(['remote', 'get-url', 'origin']).replace(/\/\/[^/@]+@/, '//') || undefined);
    expect(JSON.parse(l['dev.cogpack.dependencies'])).toEqual({ constraints: {}, versions: { python: '3.11' } });
    expect(l['dev.cogpack.plan-version']).toBe('1');

    // the same input gives the same image
    const first = docker(env, ['image', 'inspect', '--format', '{{.Id}}', image]).trim();
    await build('cog-runtime-basic');
    expect(docker(env, ['image', 'inspect', '--format', '{{.Id}}', image]).trim()).toBe(first);
  });

  it('(b) a cog.Path the model wrote comes back as a data URL', async () => {
    const url = await serve(await build('cog-runtime-path'));
    const res = await post(`${url}/predictions`, { input: { text: 'hello from cogpack' } });
    expect(res).toMatchObject({ status: 200, body: { status: 'succeeded' } });
    expect(String(res.body.output)).toMatch(/^data:text\/plain;base64,/);
    expect(dataUrlText(res.body.output)).toBe('hello from cogpack');
  });

  it('(c) ConcatenateIterator[str] output comes back as the list of yielded items', async () => {
    const url = await serve(await build('cog-runtime-iterator'));
    const res = await post(`${url}/predictions`, { input: { n: 4 } });
    expect(res).toMatchObject({ status: 200, body: { status: 'succeeded', output: ['tok0 ', 'tok1 ', 'tok2 ', 'tok3 '] } });
    expect((await post(`${url}/predictions`, { input: { n: 11 } })).status).toBe(422);
  });

  it('(d) a train: project answers POST /trainings (cog.server.http --x-mode train)', async () => {
    const image = await build('cog-runtime-train');
    expect(labels(image)['run.cog.config']).toBe('{"build":{"python_version":"3.11"},"predict":"predict.py:Predictor","train":"train.py:train"}');
    const url = await serve(image, ['python', '-m', 'cog.server.http', '--x-mode', 'train']);
    const res = await post(`${url}/trainings`, { input: { steps: 7 } });
    expect(res).toMatchObject({ status: 200, body: { status: 'succeeded', output: { steps: 7 } } });
    expect(dataUrlText((res.body.output as { weights: string }).weights)).toBe('trained for 7 steps');
    expect((await post(`${url}/trainings`, { input: { steps: 0 } })).status).toBe(422);
  });

  it('(e) through the frontend image (COGPACK_COG_SDK names the wheelhouse in the context): served the same, same cog labels', async () => {
    const feImage = frontendImage(env, `cogpack.local/cogpack-frontend:it-${process.pid}`);
    images.add(feImage);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-cog-runtime-fe-'));
    temps.push(dir);
    fs.cpSync(path.join(REPO_ROOT, 'testdata', 'cog-runtime-basic'), dir, { recursive: true });
    fs.cpSync(WHEELHOUSE, path.join(dir, 'cog-sdk'), { recursive: true });
    const image = tag('fe');
    images.add(image);
    docker(
      env,
      [
        'buildx',
        'build',
        '--progress=plain',
        '--provenance=false',
        '--build-arg',
        `BUILDKIT_SYNTAX=${feImage}`,
        '--build-arg',
        `COGPACK_IMAGE_MAP=${env.COGPACK_IMAGE_MAP}`,
        '--build-arg',
        'COGPACK_COG_SDK=cog-sdk',
        '-f',
        'cog.yaml',
        '-t',
        image,
        '--load',
        '.',
      ],
      { cwd: dir },
    );
    const url = await serve(image);
    const res = await post(`${url}/predictions`, { input: { text: 'fe', count: 2 } });
    expect(res).toMatchObject({ status: 200, body: { status: 'succeeded', output: { text: 'fe fe', count: 2 } } });
    expect((await post(`${url}/predictions`, { input: { count: 0 } })).status).toBe(422);
    const l = labels(image);
    expect(l['run.cog.version']).toBe(SDK_VERSION);
    expect(l['run.cog.has_init']).toBe('true');
    expect(l['run.cog.config']).toBe('{"build":{"python_version":"3.11"},"predict":"predict.py:Predictor"}');
    expect(l['run.cog.pip_freeze']).toBe(docker(env, ['run', '--rm', '--network=none', image, 'python', '-m', 'pip', 'freeze']));
  });
});
