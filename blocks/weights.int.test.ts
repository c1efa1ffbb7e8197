/**
 * Weights on the real daemon when file names hold glob characters: each weight reaches its own layer,
 * and the code layer keeps the files that merely look like the pattern (`x*.bin` must not drop `xy.bin`).
 */
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../src/buildkit/build/build';
import { dockerFromEnv, progressSink, runImage } from '../src/testing/build-support';
import { describeWithDaemon, dockerTry } from '../src/testing';
import { tempProject } from '../src/testing/temp-project';

jest.setTimeout(600_000);

function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

describeWithDaemon('weights with glob characters in their names (real daemon)', (denv) => {
  const tag = `cogpack-it/weights-glob:${process.pid}`;
  afterAll(() => void dockerTry(denv, ['image', 'rm', '-f', tag]));
  const env = { ...process.env, ...denv, COGPACK_WEIGHTS_THRESHOLD_MB: '1' };

  it('copies w[1].bin and x*.bin as weights and keeps w1.bin and xy.bin in /src', async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
      'models/w1.bin': 'small 1\n',
      'models/xy.bin': 'small xy\n',
    });
    sparse(join(dir, 'models', 'w[1].bin'), 1_100_000);
    sparse(join(dir, 'models', 'x*.bin'), 1_200_000);
    const summary = await buildProject(dir, { cogSdk: 'none', env, tags: [tag], progress: 'quiet', progressOut: progressSink().out });
    expect(summary.layers.map((l) => l.stage).filter((s) => s?.startsWith('weights:'))).toHaveLength(2);
    const run = await runImage(dockerFromEnv(env), tag, ['sh', '-c', 'cd /src/models && stat -c "%n %s" * | sort']);
    expect(run.output.trim().split(/\r?\n/)).toEqual(['w1.bin 8', 'w[1].bin 1100000', 'x*.bin 1200000', 'xy.bin 9']);
    expect(run.code).toBe(0);
  });
});
