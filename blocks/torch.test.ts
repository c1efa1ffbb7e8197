import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const cog = (gpu: boolean) => `build:\n  gpu: ${gpu}\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n`;
const argsOf = (plan: Awaited<ReturnType<typeof planOf>>, id: string) => {
  const op = stageOf(plan, id)!.operations[0];
  return op.op === 'exec' ? op.args : [];
};

describe('torch block', () => {
  it('uses the CPU index without gpu and the CUDA index with it', async () => {
    const req = 'torch==2.3.1\ntorchvision==0.18.1\n';
    const cpu = await planOf(tempProject({ 'cog.yaml': cog(false), 'requirements.txt': req }));
    const gpu = await planOf(tempProject({ 'cog.yaml': cog(true), 'requirements.txt': req }));
    expect(argsOf(cpu, 'framework:torch')).toEqual(
      expect.arrayContaining(['--extra-index-url', 'https://download.pytorch.org/whl/cpu', 'torch==2.3.1', 'torchvision==0.18.1']),
    );
    expect(argsOf(gpu, 'framework:torch')).toEqual(expect.arrayContaining(['--extra-index-url', 'https://download.pytorch.org/whl/cu121', 'torch==2.3.1']));
  });

  it('resolves ranges, not only pins', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': cog(false), 'requirements.txt': 'torch>=2.1,<2.3\n' }));
    expect(argsOf(plan, 'framework:torch')).toContain('torch==2.2.2');
  });

  it('keeps the torch stage identical when other requirements change', async () => {
    const a = await planOf(tempProject({ 'cog.yaml': cog(true), 'requirements.txt': 'torch==2.5.1\nnumpy==1.26.4\n' }));
    const b = await planOf(tempProject({ 'cog.yaml': cog(true), 'requirements.txt': 'numpy==2.1.0\ntorch==2.5.1\nscipy\n' }));
    expect(stageOf(a, 'framework:torch')).toEqual(stageOf(b, 'framework:torch'));
    expect(stageOf(a, 'deps:pip')).not.toEqual(stageOf(b, 'deps:pip'));
    // the user's torch line is the torch stage's; pip only repeats its pin, last, so it cannot replace it
    expect(argsOf(a, 'deps:pip').slice(6)).toEqual(['numpy==1.26.4', 'torch==2.5.1']);
  });
});
