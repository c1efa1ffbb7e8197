import { aptEnv, APT_CLEAN } from './support/apt-env';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

describe('python block', () => {
  const plan = () => planOf(tempProject({ 'cog.yaml': 'build:\n  python_version: "3.12"\nrun: "predict.py:Predictor"\n' }));

  it('runs with the apt env (hash-based pycs from ensurepip and dpkg, no prompts)', async () => {
    expect(stageOf(await plan(), 'python:python')!.env).toEqual(aptEnv());
    expect(aptEnv().SOURCE_DATE_EPOCH).toBe('0');
  });

  it('cleans apt state after installing curl on bases without Python, as the apt block does', async () => {
    const op = stageOf(await plan(), 'python:python')!.operations[0];
    if (op.op !== 'exec') throw new Error('expected exec');
    const script = op.args[2];
    expect(script).toMatch(/apt-get install [^\n]*curl\n\s*rm -rf [^\n]*\/var\/cache\/apt\/\*\.bin/);
    expect(script).toContain(APT_CLEAN);
  });
});
