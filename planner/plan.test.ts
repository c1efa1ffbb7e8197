import { readFileSync } from 'node:fs';
import { Plan, parsePlan, serializePlan } from './plan';
import { PLAN_SCHEMA_PATH, planJsonSchema } from './plan-json-schema';
import type { Stage } from './plan-schema';
import { CogpackError } from '../src/errors';

const base = { build: 'docker.io/library/python:3.11-slim', runtime: 'docker.io/library/python:3.11-slim', metadata: { packages: { python: '3.11' } } };

function stage(id: string, over: Partial<Stage> = {}): Stage {
  return {
    id,
    name: id,
    block: 'test',
    source: { type: 'scratch' },
    operations: [{ op: 'mkdir', path: '/x', mode: 0o755, parents: true }],
    env: {},
    dir: '/',
    provides: [],
    layer: 'squash',
    ...over,
  };
}

describe('Plan', () => {
  it('adds, finds and rejects duplicate stages naming both blocks', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('system', stage('system:apt', { block: 'apt', provides: ['apt'] }));
    expect(p.getStage('system:apt')?.block).toBe('apt');
    expect(p.hasProvider('apt')).toBe(true);
    expect(p.hasProvider('torch')).toBe(false);
    expect(() => p.addStage('deps', stage('system:apt', { block: 'pip' }))).toThrow(/block "pip".*block "apt"/);
    try {
      p.addStage('deps', stage('system:apt', { block: 'pip' }));
    } catch (e) {
      expect((e as CogpackError).code).toBe('E_PLAN_DUPLICATE_STAGE');
    }
  });

  it('getPhaseResult walks back to the nearest non-empty phase, then the base image', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    expect(p.getPhaseResult('deps')).toEqual({ type: 'image', ref: base.runtime });
    p.addStage('python', stage('python:python'));
    expect(p.getPhaseResult('deps')).toEqual({ type: 'phase', name: 'python' });
    expect(p.inputBefore('python')).toEqual({ type: 'image', ref: base.runtime });
    expect(p.inputBefore('framework')).toEqual({ type: 'phase', name: 'python' });
    expect(() => p.getPhaseResult('nope')).toThrow(/unknown phase/);
  });

  it('serializes deterministically and round-trips', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('python', stage('python:python', { env: { Z: '1', A: '2' } }));
    p.data.export.labels = { b: '1', a: '2' };
    p.addContext('source', { path: '.', exclude: ['.git'] });
    const data = p.toData();
    const once = serializePlan(data);
    expect(serializePlan(parsePlan(once))).toBe(once);
    expect(parsePlan(once)).toEqual(parsePlan(serializePlan(JSON.parse(once))));
    expect(once.endsWith('}\n')).toBe(true);
    expect(once.indexOf('"A"')).toBeLessThan(once.indexOf('"Z"'));
    expect(Object.keys(JSON.parse(once))[0]).toBe('version');
    expect(data.export_phases.map((ph) => ph.name)).toEqual(['python']);
  });

  it('parsePlan rejects unknown keys and bad JSON with a config error', () => {
    const data = new Plan({ stack: 'python', baseImage: base }).toData();
    expect(() => parsePlan(JSON.stringify({ ...data, extra: 1 }))).toThrow(/invalid plan/);
    expect(() => parsePlan('{')).toThrow(/not JSON/);
  });

  it('plan.schema.json is up to date (npm run schema:plan)', () => {
    expect(readFileSync(PLAN_SCHEMA_PATH, 'utf8')).toBe(planJsonSchema());
  });
});
