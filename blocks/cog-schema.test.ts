/** cog-schema block: the label and the file stage hold the same schema; what needs the runtime warns and adds neither. */
import { rmSync } from 'node:fs';
import { planProject } from '../stacks/plan-project';
import { stageOf, tempProject } from '../src/testing/temp-project';

const YAML = 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function plan(predict: string) {
  const dir = tempProject({ 'cog.yaml': YAML, 'predict.py': predict });
  dirs.push(dir);
  return planProject(dir, { env: {} });
}

describe('cog-schema block', () => {
  it('writes the static schema as the label and as /src/.cog/openapi_schema.json, after the source layer', async () => {
    const { plan: p } = await plan(
      'from cog import BasePredictor\nclass Predictor(BasePredictor):\n    def predict(self, n: int = 2) -> str:\n        return ""\n',
    );
    const label = p.export.labels['run.cog.openapi_schema'];
    expect(JSON.parse(label).components.schemas.Input.properties.n).toEqual({ title: 'N', type: 'integer', default: 2, 'x-order': 0 });
    const st = stageOf(p, 'code:cog-schema')!;
    expect(st.operations.find((o) => o.op === 'mkfile')).toMatchObject({ path: '/src/.cog/openapi_schema.json', data: `${label}\n` });
    const code = p.export_phases.find((ph) => ph.name === 'code')!.stages.map((s) => s.id);
    expect(code.indexOf('code:cog-schema')).toBeGreaterThan(code.indexOf('code:source'));
    expect(p.openapi_schema).toEqual({ made_at: 'plan' });
  });

  it('a default only the runtime knows: one warning with file:line, no label, no stage', async () => {
    const { plan: p, warnings } = await plan(
      'import os\nfrom cog import BasePredictor, Input\nclass Predictor(BasePredictor):\n    def predict(self, n: str = Input(default=os.getcwd())) -> str:\n        return ""\n',
    );
    expect(warnings.filter((w) => w.includes('OpenAPI'))).toEqual([
      expect.stringMatching(/^predict\.py:4: cogpack cannot make the OpenAPI schema statically \(/),
    ]);
    expect(p.export.labels['run.cog.openapi_schema']).toBeUndefined();
    expect(stageOf(p, 'code:cog-schema')).toBeUndefined();
    expect(p.openapi_schema).toEqual({ made_at: 'build', reason: expect.stringMatching(/^predict\.py:4: /) });
  });
});
