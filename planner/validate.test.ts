import { Plan, type StageDraft } from './plan';
import type { Stage } from './plan-schema';
import { validatePlan } from './validate';
import { CogpackError } from '../src/errors';

const base = { build: 'img', runtime: 'img', metadata: { packages: {} } };
const mk = (id: string, over: Partial<StageDraft> = {}): StageDraft => ({
  id,
  name: id,
  block: id.split(':')[1],
  source: { type: 'scratch' },
  operations: [{ op: 'rm', path: '/x', allow_not_found: true }],
  env: {},
  dir: '/',
  provides: [],
  layer: 'squash',
  ...over,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as CogpackError).code} ${(e as Error).message}`;
  }
  return 'no error';
}

describe('validatePlan', () => {
  it('accepts a sound plan', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('python', mk('python:python'));
    p.addStage('deps', mk('deps:pip', { source: p.below() }));
    expect(() => validatePlan(p.toData())).not.toThrow();
  });

  it('finds duplicate ids across phases', () => {
    const data = new Plan({ stack: 'python', baseImage: base }).toData();
    const [a, b] = [mk('base:a'), mk('base:a', { block: 'other' })] as Stage[]; // scratch sources: already resolved
    data.export_phases.push({ name: 'base', stages: [a] }, { name: 'python', stages: [b] });
    expect(codeOf(() => validatePlan(data))).toMatch(/^E_PLAN_DUPLICATE_STAGE block "other"/);
  });

  it('finds unknown stages, contexts and phases', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('deps', mk('deps:pip', { source: { type: 'stage', id: 'nope:x' } }));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(/^E_PLAN_UNKNOWN_STAGE block "pip"/);
    const q = new Plan({ stack: 'python', baseImage: base });
    q.addStage(
      'code',
      mk('code:source', {
        operations: [{ op: 'copy', from: { type: 'context', name: 'src' }, src: '/', dest: '/src', include: [], exclude: [], contents_only: true }],
      }),
    );
    expect(codeOf(() => validatePlan(q.toData()))).toMatch(/^E_PLAN_UNKNOWN_CONTEXT block "source"/);
    const r = new Plan({ stack: 'python', baseImage: base });
    r.addStage('code', mk('code:source', { source: { type: 'phase', name: 'system' } }));
    expect(codeOf(() => validatePlan(r.toData()))).toMatch(/^E_PLAN_UNKNOWN_PHASE/);
  });

  it('finds a stage reading a later phase', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('python', mk('python:python', { source: { type: 'phase', name: 'code' } }));
    p.addStage('code', mk('code:source'));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(/^E_PLAN_LATER_PHASE block "python"/);
  });

  it('finds cycles (including a stage reading its own phase)', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('deps', mk('deps:a', { source: { type: 'stage', id: 'deps:b' } }));
    p.addStage('deps', mk('deps:b', { source: { type: 'stage', id: 'deps:a' } }));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(/^E_PLAN_CYCLE .*deps:a → deps:b → deps:a/);
    const q = new Plan({ stack: 'python', baseImage: base });
    q.addStage('deps', mk('deps:a', { source: { type: 'phase', name: 'deps' } }));
    expect(codeOf(() => validatePlan(q.toData()))).toMatch(/^E_PLAN_CYCLE/);
  });

  it('rejects a source that skips a non-empty phase, unless the stage declared it independent of it', () => {
    // issue 14: a framework block registered after pip; pip's source, fixed when pip ran, skipped it
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('python', mk('python:python', { source: p.below() }));
    p.addStage('deps', mk('deps:pip', { source: { type: 'phase', name: 'python' } }));
    p.addStage('framework', mk('framework:jax', { source: p.below() }));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(
      /^E_PLAN_SKIPPED_PHASE block "pip", stage "deps:pip": is built on phase "python" and skips the phase "framework"/,
    );
    const q = new Plan({ stack: 'python', baseImage: base });
    q.addStage('python', mk('python:python', { source: p.below() }));
    q.addStage('system', mk('system:apt', { source: q.below() }));
    q.addStage('framework', mk('framework:torch', { source: { type: 'phase', name: 'python' } }));
    expect(codeOf(() => validatePlan(q.toData()))).toMatch(/^E_PLAN_SKIPPED_PHASE block "torch".*"system"/);
    q.getStage('framework:torch')!.independent_of = ['system'];
    expect(() => validatePlan(q.toData())).not.toThrow();
    // on the base image while python is planned; scratch skips nothing (a layer of its own)
    q.addStage('deps', mk('deps:pip', { source: { type: 'image', ref: 'img' } }));
    expect(codeOf(() => validatePlan(q.toData()))).toMatch(/^E_PLAN_SKIPPED_PHASE block "pip".*the image "img" and skips the phase "python"/);
  });

  it('rejects independent_of naming a phase that is not below the stage', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('framework', mk('framework:torch', { source: p.below(), independent_of: ['deps'] }));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(/^E_PLAN_INDEPENDENT_OF block "torch".*"deps"/);
    p.getStage('framework:torch')!.independent_of = ['system'];
    expect(() => validatePlan(p.toData())).not.toThrow();
  });

  it('finds empty stages and undeclared secrets', () => {
    const p = new Plan({ stack: 'python', baseImage: base });
    p.addStage('deps', mk('deps:pip', { operations: [] }));
    expect(codeOf(() => validatePlan(p.toData()))).toMatch(/^E_PLAN_EMPTY_STAGE block "pip"/);
    const q = new Plan({ stack: 'python', baseImage: base });
    const exec = {
      op: 'exec' as const,
      args: ['true'],
      env: {},
      network: 'sandbox' as const,
      mounts: [{ type: 'secret' as const, id: 'tok', target: '/run/secrets/tok', required: true }],
    };
    q.addStage('build-run', mk('build-run:build-run', { operations: [exec] }));
    expect(codeOf(() => validatePlan(q.toData()))).toMatch(/^E_PLAN_UNKNOWN_SECRET/);
    q.addSecret('tok');
    expect(() => validatePlan(q.toData())).not.toThrow();
  });
});
