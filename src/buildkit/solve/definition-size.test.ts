import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planProject } from '../../../stacks/plan-project';
import { planToLlb } from '../../../llb';
import { checkSecrets } from '../build/build';
import { environmentBytes, explainTooLarge } from './definition-size';
import { BuildError } from '../errors';

const ROOT = path.join(__dirname, '..', '..', '..');

async function planWith(cogYaml: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-defsize-'));
  try {
    fs.writeFileSync(path.join(dir, 'cog.yaml'), cogYaml);
    fs.writeFileSync(path.join(dir, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
    return (await planProject(dir, { env: {} })).plan;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a definition too large because of the environment', () => {
  it('names the environment and its largest variable in the one line', async () => {
    const big = 'v'.repeat(1024 * 1024);
    const plan = await planWith(
      `build:\n  python_version: "3.11"\n  run:\n    - echo a\n    - echo b\n    - echo c\nenvironment:\n  - BIG=${big}\n  - SMALL=1\nrun: "predict.py:Predictor"\n`,
    );
    const { definition } = planToLlb(plan, { sessionId: 's', imageEnv: {} });
    expect(environmentBytes(plan).bytes).toBeGreaterThan(definition.length / 2);
    const err = explainTooLarge(
      new BuildError('E_DEFINITION_TOO_LARGE', 'the build definition is 4.5 MiB', { hint: 'declare weights' }),
      plan,
      definition.length,
    ) as BuildError;
    expect(err.code).toBe('E_DEFINITION_TOO_LARGE');
    expect(err.toOneLine()).toMatch(/the environment is \d+\.\d MiB of it \(BIG is the largest variable.*fix: keep large values out of environment/);
  });

  it('leaves the error alone when the environment is not the cause', async () => {
    const plan = await planWith('build:\n  python_version: "3.11"\nenvironment:\n  - SMALL=1\nrun: "predict.py:Predictor"\n');
    const e = new BuildError('E_DEFINITION_TOO_LARGE', 'the build definition is 4.5 MiB');
    expect(explainTooLarge(e, plan, 5_000_000)).toBe(e);
  });
});

describe('checkSecrets', () => {
  it('warns about a --secret no step mounts, and not about a used one', async () => {
    const { plan } = await planProject(path.join(ROOT, 'testdata', 'build-run-secret'), { env: {} });
    const warnings = checkSecrets(plan, {
      hf_token: { id: 'hf_token', type: 'env', env: 'HF' },
      hf_tokn: { id: 'hf_tokn', type: 'env', env: 'HF' },
    });
    expect(warnings).toEqual([expect.stringMatching(/^--secret id=hf_tokn: no step mounts this secret/)]);
  });
});
