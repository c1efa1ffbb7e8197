import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

describe('source block', () => {
  it('copies the project last, from scratch, without VCS, caches and ignored paths', async () => {
    const plan = await planOf(
      tempProject({
        'cog.yaml': 'build:\n  python_version: "3.11"\n  run: ["echo hi"]\nrun: "predict.py:Predictor"\n',
        'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
        '.dockerignore': '# comment\n/data\n',
        '.cogignore': '*.ckpt\n',
      }),
    );
    const s = stageOf(plan, 'code:source')!;
    expect(s.source).toEqual({ type: 'scratch' });
    expect(plan.export_phases[plan.export_phases.length - 1].stages.map((x) => x.id)).toContain('code:source');
    expect(plan.contexts.source.exclude).toEqual(expect.arrayContaining(['.git', '**/__pycache__', 'data', '*.ckpt']));
    expect(plan.export.working_dir).toBe('/src');
    expect(plan.export.cmd).toEqual(['python', '-m', 'cog.server.http']);
    expect(JSON.parse(plan.export.labels['run.cog.config']).build.run).toEqual([{ command: 'echo hi' }]); // as cog's json.Marshal writes RunItem
  });
});
