/**
 * The framework registry keeps its contract: every framework block of BLOCKS is registered (and only those),
 * its resolver is named after it, no two own the same distribution, and the requirements stage leaves every
 * registered distribution to its framework stage.
 */
import { BLOCKS } from './index';
import { FRAMEWORK_BLOCKS, FRAMEWORK_PACKAGES, FRAMEWORKS } from './frameworks';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const cog = 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n';

describe('framework registry', () => {
  it('holds exactly the blocks of BLOCKS that carry a framework, in BLOCKS order', () => {
    expect(BLOCKS.filter((b) => 'framework' in b)).toEqual(FRAMEWORK_BLOCKS);
  });

  it.each(FRAMEWORK_BLOCKS.map((b) => [b.name, b] as const))('%s: its resolver has its name and owns its distributions alone', (name, b) => {
    expect(b.framework.name).toBe(name);
    expect(b.framework.packages.length).toBeGreaterThan(0);
    const others = FRAMEWORKS.filter((f) => f !== b.framework).flatMap((f) => f.packages);
    for (const p of b.framework.packages) expect(others).not.toContain(p);
  });

  it('pip skips every registered distribution and repeats the framework pins', async () => {
    const lines = [...FRAMEWORKS.map((f) => f.packages[0]), 'numpy==1.26.4'];
    const plan = await planOf(
      tempProject({
        'cog.yaml': cog,
        'requirements.txt': `${lines.join('\n')}\n`,
        'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return ""\n',
      }),
    );
    const pip = stageOf(plan, 'deps:pip')!.operations[0];
    const args = pip.op === 'exec' ? pip.args : [];
    expect(args.filter((a) => FRAMEWORK_PACKAGES.includes(a))).toEqual([]);
    for (const b of FRAMEWORK_BLOCKS) {
      const fw = stageOf(plan, `framework:${b.name}`)!.operations[0];
      const pins = (fw.op === 'exec' ? fw.args : []).filter((a) => /==/.test(a));
      expect(pins.length).toBeGreaterThan(0);
      expect(args).toEqual(expect.arrayContaining(pins));
    }
  });
});
