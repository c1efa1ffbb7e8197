import { readFileSync } from 'node:fs';
import { Plan, parsePlan, serializePlan, type StageDraft } from './plan';
import { PLAN_SCHEMA_PATH, planJsonSchema } from './plan-json-schema';
import { CogpackError } from '../src/errors';

const base = { build: 'docker.io/library/python:3.11-slim', runtime: 'docker.io/library/python:3.11-slim', metadata: { packages: { python: '3.11' } } };

function stage(id: string, over: Partial<StageDraft> = {}): StageDraft {
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

  it('resolves below() after every block ran: the nearest non-empty phase below, else the base image', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('deps', stage('deps:pip', { source: p.below() }));
    p.addStage('framework', stage('framework:torch', { source: p.below(), independent_of: ['system'] }));
    // added after the stages above, yet below them: the order blocks run in does not change the graph
    p.addStage('system', stage('system:apt', { source: p.below() }));
    p.addStage('python', stage('python:python', { source: p.below() }));
    const sources = Object.fromEntries(p.toData().export_phases.flatMap((ph) => ph.stages.map((s) => [s.id, s.source])));
    expect(sources).toEqual({
      'python:python': { type: 'image', ref: base.runtime },
      'system:apt': { type: 'phase', name: 'python' },
      'framework:torch': { type: 'phase', name: 'python' },
      'deps:pip': { type: 'phase', name: 'framework' },
    });
    expect(() => p.addStage('nope', stage('nope:x'))).toThrow(/unknown phase/);
  });

  it('below({ stack: true }) builds on the stage before it in its phase, the first one on the phases below', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('python', stage('python:python', { source: p.below() }));
    p.addStage('framework', stage('framework:torch', { source: p.below({ stack: true }) }));
    p.addStage('framework', stage('framework:tensorflow', { source: p.below({ stack: true }) }));
    const [, framework] = p.toData().export_phases;
    expect(framework.stages.map((s) => s.source)).toEqual([
      { type: 'phase', name: 'python' },
      { type: 'stage', id: 'framework:torch' },
    ]);
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
