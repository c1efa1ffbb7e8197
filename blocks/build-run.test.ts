import { planOf, stageOf, tempProject } from './support/temp-project';

const yaml = (env: string) =>
  `build:\n  python_version: "3.11"\n  run:\n    - echo one\n    - command: cat /run/secrets/tok\n      mounts:\n        - type: secret\n          id: tok\n          target: /run/secrets/tok\n${env}run: "predict.py:Predictor"\n`;

describe('build-run block', () => {
  it('one exec per command, secrets by id only, as a diff layer (deletions kept)', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': yaml('') }));
    const s = stageOf(plan, 'build-run:build-run')!;
    expect(s.layer).toBe('diff');
    expect(s.operations.map((o) => o.op === 'exec' && o.args)).toEqual([['/bin/sh', '-c', 'echo one'], ['/bin/sh', '-c', 'cat /run/secrets/tok']]);
    expect(plan.secrets).toEqual(['tok']);
  });

  it('the commands see the cog.yaml environment (cog puts its ENV line before build.run); no other stage does', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': yaml('environment:\n  - MODEL_CACHE=/opt/models\n') }));
    expect(stageOf(plan, 'build-run:build-run')!.env).toEqual({ MODEL_CACHE: '/opt/models' });
    const others = [...plan.export_phases].flatMap((p) => p.stages).filter((s) => s.id !== 'build-run:build-run');
    for (const s of others) expect(s.env).not.toHaveProperty('MODEL_CACHE');
    expect(plan.export.env.MODEL_CACHE).toBe('/opt/models');
  });
});
