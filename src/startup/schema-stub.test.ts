/**
 * The plan bundle's schema stubs, evaluated with a recording require: valid input is answered
 * without loading the real module (so without zod), invalid input and any other use of a schema
 * load it once and get zod's own answer, and plain data exports are copied.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as planSchemas from '../../planner/plan-schema';
import * as cogSchemas from '../../planner/project/cog-yaml-schema';
import { schemaStubSource } from './schema-stub';

const REAL = '/real/module.js';

function loadStub(real: Record<string, unknown>): { exports: Record<string, any>; loads: () => number } {
  let loads = 0;
  const req = (p: string) => {
    expect(p).toBe(REAL);
    loads++;
    return real;
  };
  const mod = { exports: {} as Record<string, any> };
  new Function('module', 'exports', 'require', schemaStubSource(REAL, real))(mod, mod.exports, req);
  return { exports: mod.exports, loads: () => loads };
}

describe('schemaStubSource', () => {
  const plan = JSON.parse(readFileSync(join(__dirname, '..', '..', 'snapshots', 'gpu-torch.plan.json'), 'utf8')) as Record<string, unknown>;

  it('answers a valid plan without loading the real module, with the data zod returns', () => {
    const stub = loadStub(planSchemas);
    const r = stub.exports.PlanSchema.safeParse(plan);
    expect(r.success).toBe(true);
    expect(JSON.stringify(r.data)).toBe(JSON.stringify(planSchemas.PlanSchema.parse(plan)));
    expect(stub.exports.PLAN_VERSION).toBe(planSchemas.PLAN_VERSION);
    expect(stub.loads()).toBe(0);
  });

  it('hands invalid input, safeParse with params and every other use to the real schema', () => {
    const stub = loadStub(planSchemas);
    const bad = { ...plan, stack: 3 };
    const r = stub.exports.PlanSchema.safeParse(bad);
    expect(stub.loads()).toBe(1);
    expect(r.success).toBe(false);
    expect(r.error.issues).toEqual(planSchemas.PlanSchema.safeParse(bad).error!.issues);
    expect(stub.exports.PlanSchema.safeParse(plan, { reportInput: true }).success).toBe(true);
    expect(Object.keys(stub.exports.PlanSchema.shape)).toEqual(Object.keys(planSchemas.PlanSchema.shape));
    expect(stub.exports.PlanSchema.parse(plan)).toEqual(planSchemas.PlanSchema.parse(plan));
    expect(stub.loads()).toBe(1); // loaded once, then kept
  });

  it('copies plain data exports and leaves schemas it cannot translate to a lazy getter', () => {
    const stub = loadStub({ ...cogSchemas, When: planSchemas.PlanSchema.transform((p) => p.stack) });
    expect(stub.exports.REMOVED_FIELDS).toEqual(cogSchemas.REMOVED_FIELDS);
    expect(stub.exports.DEPRECATED_FIELDS).toEqual(cogSchemas.DEPRECATED_FIELDS);
    expect(stub.exports.CogYamlSchema.safeParse({ build: { gpu: true }, run: 'predict.py:P' }).success).toBe(true);
    expect(stub.loads()).toBe(0);
    expect(stub.exports.When.parse(plan)).toBe('python');
    expect(stub.loads()).toBe(1);
  });
});
