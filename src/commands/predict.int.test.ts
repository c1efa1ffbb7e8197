/**
 * `cogpack predict` as a user runs it (bin/cogpack.js, after `npm run build`), on a project built with the
 * real cog SDK 0.13.6 (`--cog-sdk` the wheel in the offline wheelhouse, which also supplies its dependencies):
 * a str input, a file input, a 422, a failed prediction, a setup failure and Ctrl-C; no container is left.
 * The three images differ only in image config (predictor env, environment), so they share every layer.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cogSdkWheel, describeWithDaemon, docker, dockerTry, REPO_ROOT } from '../testing';

jest.setTimeout(900_000);

const SDK = cogSdkWheel() ?? 'shared/cog-runtime/wheelhouse (not found above the checkout)';
const CLI = path.join(REPO_ROOT, 'bin', 'cogpack.js');
const IMAGE = 'cogpack-it/predict';

const PREDICT_PY = `import os
import time

from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def setup(self) -> None:
        if os.environ.get("FAIL_SETUP"):
            raise RuntimeError("setup failed on purpose")

    def predict(self, text: str = Input(description="who to greet"), times: int = Input(default=1, ge=1)) -> str:
        print(f"greeting {text}")
        if text == "boom":
            raise ValueError("no greeting for boom")
        if text == "sleep":
            time.sleep(300)
        return " ".join(["hello " + text] * times)


class FilePredictor(BasePredictor):
    def predict(self, image: Path = Input(description="any file"), suffix: str = Input(default="!")) -> Path:
        out = Path("/tmp/out.png")
        out.write_bytes(image.read_bytes()[::-1] + suffix.encode())
        return out
`;

const COG_YAML = (tail: string) => `build:\n  python_version: "3.11"\n${tail}`;

describeWithDaemon('cogpack predict (real SDK 0.13.6)', (denv) => {
  const env = { ...process.env, ...denv };
  let dir: string;
  let cwd: string;
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, cwd, encoding: 'utf8', timeout: 850_000 });
  const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('cogpack: error:'));
  const leftContainers = () =>
    docker(denv, [
      'ps',
      '-aq',
      '--filter',
      'label=dev.cogpack.predict',
      '--filter',
      `ancestor=${IMAGE}:str`,
      '--filter',
      `ancestor=${IMAGE}:file`,
      '--filter',
      `ancestor=${IMAGE}:nosetup`,
    ]).trim();
  /** Builds the project with this cog.yaml tail into IMAGE:tag through `cogpack predict`, then runs `args`. */
  const buildAndPredict = (tag: string, yamlTail: string, args: string[]) => {
    fs.writeFileSync(path.join(dir, 'cog.yaml'), COG_YAML(yamlTail));
    return cli(['predict', dir, '-t', `${IMAGE}:${tag}`, '--cog-sdk', SDK, '--progress', 'quiet', ...args]);
  };

  beforeAll(() => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'commands', 'predict.js')))
      throw new Error('run `npm run build` first: this test runs bin/cogpack.js');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'predict-it-'));
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'predict-cwd-'));
    fs.writeFileSync(path.join(dir, 'predict.py'), PREDICT_PY);
  });

  afterAll(() => {
    for (const tag of ['str', 'file', 'nosetup']) dockerTry(denv, ['rmi', '-f', `${IMAGE}:${tag}`]);
    for (const d of [dir, cwd]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('builds, runs a str input (cog.yaml run:) and prints the output; no container is left', () => {
    const r = buildAndPredict('str', 'run: "predict.py:Predictor"\n', ['-i', 'text=world', '-i', 'times=2']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hello world hello world\n');
    expect(leftContainers()).toBe('');
  });

  it('sends a file input as @path (cog.yaml predict:) and writes the output file to -o', () => {
    fs.writeFileSync(path.join(cwd, 'in.bin'), 'abc');
    const r = buildAndPredict('file', 'predict: "predict.py:FilePredictor"\n', ['-i', 'image=@in.bin', '-i', 'suffix=XY', '-o', 'out/result.png']);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'out', 'result.png'), 'utf8')).toBe('cbaXY');
    expect(r.stderr).toContain('cogpack: wrote out/result.png');
    // without -o the file lands in the current directory, named by its type
    const again = cli(['predict', `${IMAGE}:file`, '-i', 'image=@in.bin']);
    expect(again.status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'output.png'), 'utf8')).toBe('cba!');
    expect(leftContainers()).toBe('');
  });

  it('a rejected input (422) is one line naming the field, exit 1', () => {
    const r = cli(['predict', `${IMAGE}:str`, '-i', 'times=2']);
    expect(r.status).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/the model rejected the input: text: field required.*\[E_MODEL_INPUT\]$/)]);
    expect(leftContainers()).toBe('');
  });

  it('a failed prediction is one line plus the model log tail, exit 1', () => {
    const r = cli(['predict', `${IMAGE}:str`, '-i', 'text=boom']);
    expect(r.status).toBe(1);
    expect(errorLines(r.stderr)).toEqual(['cogpack: error: the prediction failed: no greeting for boom [E_PREDICTION_FAILED]']);
    expect(r.stderr).toMatch(/\n {2}\| ValueError: no greeting for boom\n/);
    expect(leftContainers()).toBe('');
  });

  it('a setup failure is one line with the exception plus the log tail, exit 1', () => {
    const r = buildAndPredict('nosetup', 'run: "predict.py:Predictor"\nenvironment:\n  - FAIL_SETUP=1\n', ['-i', 'text=x']);
    expect(r.status).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/^cogpack: error: the model's setup\(\) failed: RuntimeError: setup failed on purpose .*\[E_MODEL_SETUP\]$/),
    ]);
    expect(r.stderr).toContain('| raise RuntimeError("setup failed on purpose")');
    expect(leftContainers()).toBe('');
  });

  it('Ctrl-C during a prediction stops and removes the container, exit 130', async () => {
    const child = spawn(process.execPath, [CLI, 'predict', `${IMAGE}:str`, '-i', 'text=sleep'], { env, cwd });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const id = await waitFor(() => /container ([0-9a-f]{12})/.exec(stderr)?.[1]);
    await waitFor(() => {
      const logs = dockerTry(denv, ['logs', id]);
      return `${logs.stdout}${logs.stderr}`.includes('greeting sleep') || undefined;
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('stopping the model');
    expect(leftContainers()).toBe('');
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 300));
  }
}
