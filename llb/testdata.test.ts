/**
 * One `cogpack llb --json` snapshot per testdata fixture (snapshots/<case>.llb.json), found by globbing.
 * Update with `npm run snapshots:update` (COGPACK_UPDATE_SNAPSHOTS=1) and read the diff before committing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isCogpackError } from '../src/errors';
import { llbJson } from '../src/commands/llb';
import type { PlanData } from '../planner/plan-schema';
import { planProject } from '../stacks/plan-project';
import { planToLlb, validateDefinition } from './index';

const ROOT = path.join(__dirname, '..');
const TESTDATA = path.join(ROOT, 'testdata');
const SNAPSHOTS = path.join(ROOT, 'snapshots');
const UPDATE = process.env.COGPACK_UPDATE_SNAPSHOTS === '1';

const cases = fs.existsSync(TESTDATA)
  ? fs
      .readdirSync(TESTDATA)
      .filter((d) => fs.existsSync(path.join(TESTDATA, d, 'cog.yaml')) || fs.existsSync(path.join(TESTDATA, d, 'pyproject.toml')))
      .sort()
  : [];

/** Fixtures meant to fail planning have no LLB; the planner's own snapshots cover their errors. */
async function planOrNull(dir: string): Promise<PlanData | null> {
  try {
    return (await planProject(dir, { imageMap: {}, cogSdk: 'pypi', env: {} })).plan;
  } catch (e) {
    if (isCogpackError(e) && e.category !== 'internal') return null;
    throw e;
  }
}

describe('llb snapshots of testdata fixtures', () => {
  if (cases.length === 0) it.skip('no fixtures in testdata/', () => undefined);

  it.each(cases)('%s', async (name) => {
    const file = path.join(SNAPSHOTS, `${name}.llb.json`);
    const plan = await planOrNull(path.join(TESTDATA, name));
    if (plan === null) {
      expect(fs.existsSync(file)).toBe(false); // a fixture that used to plan must not silently stop planning
      return;
    }
    const llb = planToLlb(plan);
    validateDefinition(llb.definition);
    const json = llbJson(llb);
    expect(llbJson(planToLlb(plan))).toBe(json);
    // A new fixture gets its snapshot written on a developer machine; in CI a missing one is an error.
    if (!UPDATE && !fs.existsSync(file) && process.env.CI) throw new Error(`missing snapshot ${file}; run npm run snapshots:update`);
    if (UPDATE || !fs.existsSync(file)) {
      fs.mkdirSync(SNAPSHOTS, { recursive: true });
      fs.writeFileSync(file, json);
    }
    expect(json).toBe(fs.readFileSync(file, 'utf8'));
  });
});
