import { join } from 'node:path';
import { serializePlan } from '../planner';
import { planProject } from './plan-project';

describe('planProject', () => {
  it('hands out the canonical plan: the same key order as the printed JSON (so image config bytes agree)', async () => {
    const { plan } = await planProject(join(__dirname, '..', 'testdata', 'environment'), { cogSdk: 'none', env: {} });
    const printed = JSON.parse(serializePlan(plan));
    expect(JSON.stringify(plan)).toBe(JSON.stringify(printed));
    const envKeys = Object.keys(plan.export.env);
    expect(envKeys.length).toBeGreaterThan(1);
    expect(envKeys).toEqual([...envKeys].sort());
  });

  it('hands out the plan --json bytes too, identical to serializing the plan again', async () => {
    const { plan, json } = await planProject(join(__dirname, '..', 'testdata', 'gpu-torch'), { env: {} });
    expect(json).toBe(serializePlan(plan));
    expect(json.endsWith('}\n')).toBe(true);
  });
});
