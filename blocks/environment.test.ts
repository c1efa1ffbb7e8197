import { planOf, tempProject } from '../src/testing/temp-project';

const cog = (env: string[]) =>
  `build:\n  python_version: "3.11"\n  system_packages: [git]\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\nenvironment:\n${env.map((e) => `  - ${e}`).join('\n')}\n`;

describe('environment block', () => {
  it('puts the environment in the image config: editing it changes no stage', async () => {
    const a = await planOf(tempProject({ 'cog.yaml': cog(['A=1']), 'requirements.txt': 'numpy\n' }));
    const b = await planOf(tempProject({ 'cog.yaml': cog(['A=2', 'B=3']), 'requirements.txt': 'numpy\n' }));
    expect(a.export.env).toMatchObject({ A: '1' });
    expect(b.export.env).toMatchObject({ A: '2', B: '3' });
    expect(a.export_phases).toEqual(b.export_phases);
  });

  it('rejects names on the deny-list with the line', async () => {
    await expect(planOf(tempProject({ 'cog.yaml': cog(['OK=1', 'REPLICATE_API_TOKEN=x']), 'requirements.txt': '' }))).rejects.toMatchObject({
      code: 'E_ENV_DENIED',
      file: 'cog.yaml',
      line: 8,
    });
  });
});
