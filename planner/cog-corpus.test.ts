/**
 * The cog.yaml corpus (corpus/cog-yaml/): real public cog.yaml files plan where cog builds them and
 * fail, with the code and line in expect.json, where cog fails. Planning is offline (the resolver's data).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planProject } from '../stacks/plan-project';

const CORPUS = join(__dirname, '..', 'corpus', 'cog-yaml');

interface Expect {
  plans?: true;
  warning?: string;
  code?: string;
  where?: string;
  cog?: string;
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('cog.yaml corpus', () => {
  it('has real projects that plan and ones that fail', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('%s', async (name) => {
    const want = JSON.parse(readFileSync(join(CORPUS, name, 'expect.json'), 'utf8')) as Expect;
    const planning = planProject(join(CORPUS, name), { env: {}, requirePredictor: true });
    if (want.plans) {
      const { plan, warnings } = await planning;
      expect(plan.export.env.COG_PREDICT_TYPE_STUB).toMatch(/\.py:/);
      if (want.warning) expect(warnings.some((w) => w.startsWith(want.warning!))).toBe(true);
      return;
    }
    const err = await planning.then(
      () => undefined,
      (e: { code: string; file?: string; line?: number }) => e,
    );
    expect(err && { code: err.code, where: `${err.file}:${err.line}` }).toEqual({ code: want.code, where: want.where });
    expect(want.cog).toBeTruthy(); // every failure says how cog fails there
  });
});
