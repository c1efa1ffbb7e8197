import { openSync, closeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';
import { slug, uniqueDetails } from './weights';

describe('weights block', () => {
  it('moves files at least the threshold into their own stage and out of the source context', async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n',
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
      'models/small.txt': 'tiny\n',
    });
    // a sparse 12 MiB file: large by size, free on disk, never committed
    const fd = openSync(join(dir, 'models', 'big.safetensors'), 'w');
    ftruncateSync(fd, 12 * 1024 * 1024);
    closeSync(fd);
    const plan = await planOf(dir);
    const w = stageOf(plan, 'weights:weights:models-big.safetensors')!;
    expect(w.source).toEqual({ type: 'scratch' });
    expect(w.operations).toEqual([expect.objectContaining({ op: 'copy', src: '/models/big.safetensors', dest: '/src/models/big.safetensors' })]);
    expect(plan.contexts['weights-models-big.safetensors'].include).toEqual(['models/big.safetensors']);
    expect(plan.contexts.source.exclude).toContain('models/big.safetensors');
    expect(slug('models/UNet v2.bin')).toBe('models-unet-v2.bin');
    const phases = plan.export_phases.map((p) => p.name);
    expect(phases.indexOf('weights')).toBeLessThan(phases.indexOf('code'));
  });

  it('honours COGPACK_WEIGHTS_THRESHOLD_MB', async () => {
    const dir = tempProject({ 'main.py': 'print(1)\n', 'requirements.txt': '', 'blob.bin': 'x'.repeat(2 * 1024 * 1024) });
    expect(stageOf(await planOf(dir), 'weights:weights:blob.bin')).toBeUndefined();
    expect(stageOf(await planOf(dir, { env: { COGPACK_WEIGHTS_THRESHOLD_MB: '1' } }), 'weights:weights:blob.bin')).toBeDefined();
  });
});

describe('weights stage ids', () => {
  it('are unique by construction, even when a path is spelled like a suffixed slug', () => {
    // before: "a b" → a-b, "a-b" → a-b-1 (its index), "a-b-1" → a-b-1 again: a duplicate stage id
    const paths = ['a b', 'a-b', 'a-b-1', 'A-B', 'a-b-2'];
    const details = uniqueDetails(paths);
    expect(new Set(details).size).toBe(paths.length);
    expect(details).toEqual(['a-b', 'a-b-2', 'a-b-1', 'a-b-3', 'a-b-2-2']);
    expect(uniqueDetails(paths)).toEqual(details);
  });

  it('plans clashing weight paths as distinct stages and contexts', async () => {
    const dir = tempProject({
      'cog.yaml':
        'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\nweights:\n' +
        ['w x.bin', 'w-x.bin', 'w-x.bin-1'].map((w) => `  - source:\n      uri: "${w}"\n`).join(''),
      'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
      'w x.bin': '1',
      'w-x.bin': '2',
      'w-x.bin-1': '3',
    });
    const plan = await planOf(dir);
    const ids = plan.export_phases.find((p) => p.name === 'weights')!.stages.map((s) => s.id);
    expect(ids).toEqual(['weights:weights:w-x.bin', 'weights:weights:w-x.bin-2', 'weights:weights:w-x.bin-1']);
    expect(
      Object.keys(plan.contexts)
        .filter((c) => c.startsWith('weights-'))
        .sort(),
    ).toEqual(['weights-w-x.bin', 'weights-w-x.bin-1', 'weights-w-x.bin-2']);
  });
});
