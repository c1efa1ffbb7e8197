import { PlanSchema, type PlanData, type Stage } from '../../planner/plan-schema';
import { samplePlan } from '../../src/testing/sample-plan';
import { envImageRefs, envPairs, imageEnvOf } from './base-env';
import { planToLlb, type LlbOptions } from './plan-to-llb';

const RUNTIME = 'docker.io/library/python:3.11-slim';
const BUILDER = 'example.com/builder:1';
const CUDA_ENV = ['PATH=/usr/local/cuda/bin:/usr/bin:/bin', 'LANG=C.UTF-8', 'DEBIAN_FRONTEND=dialog', 'CUDA_HOME=/usr/local/cuda'];

/** env of the first exec whose vertex name starts with `[stage]` */
function execEnv(plan: PlanData, stage: string, opts: LlbOptions): string[] {
  const op = planToLlb(plan, opts).ops.find((o) => o.kind === 'exec' && o.name.startsWith(`[${stage}]`));
  if (!op) throw new Error(`no exec in ${stage}`);
  return op.op.exec!.meta.env ?? [];
}

const run = (cmd: string): Stage['operations'][number] => ({ op: 'exec', args: ['/bin/sh', '-c', cmd], env: {}, mounts: [], network: 'none' });
const stage = (id: string, source: Stage['source'], env: Record<string, string> = {}): Stage => ({
  id,
  name: id,
  block: 'test',
  source,
  operations: [run(`echo ${id}`)],
  env,
  dir: '/',
  provides: [],
  layer: 'squash',
});

/** samplePlan with its own build base, a build phase on it, and export stages sourced from a stage and from scratch. */
function chainPlan(): PlanData {
  const plan = samplePlan();
  plan.base_image.build = BUILDER;
  plan.build_phases.push({ name: 'build-two', stages: [stage('build-two:on-phase', { type: 'phase', name: 'build-deps' }, { B_STAGE: '1' })] });
  plan.export_phases.push({
    name: 'more',
    stages: [stage('more:from-stage', { type: 'stage', id: 'system:apt' }, { OWN: 'x' }), stage('more:from-scratch', { type: 'scratch' }, { OWN: 'y' })],
  });
  // the build phase reaches the image only through a mount
  const onPhase = plan.export_phases[3].stages[0].operations[0] as Extract<Stage['operations'][number], { op: 'exec' }>;
  onPhase.mounts.push({ type: 'bind', target: '/b', from: { type: 'stage', id: 'build-two:on-phase' }, source: '/', readonly: true });
  return PlanSchema.parse(plan);
}

describe('envPairs', () => {
  it('splits at the first "=", keeps order and empty values, makes a bare name empty, skips a nameless entry', () => {
    expect(envPairs(['PATH=/a:/b', 'LANG=C.UTF-8', 'EMPTY=', 'BARE', '=x', 'X=a=b'])).toEqual([
      ['PATH', '/a:/b'],
      ['LANG', 'C.UTF-8'],
      ['EMPTY', ''],
      ['BARE', ''],
      ['X', 'a=b'],
    ]);
  });
});

describe('base image env under the stage env (Dockerfile FROM semantics)', () => {
  it('an exec starts from the image env in its order; a plan value replaces the image value in place; op env comes last', () => {
    const imageEnv = { [RUNTIME]: CUDA_ENV };
    expect(execEnv(samplePlan(), 'system:apt', { imageEnv })).toEqual([
      'PATH=/usr/local/cuda/bin:/usr/bin:/bin',
      'LANG=C.UTF-8',
      'DEBIAN_FRONTEND=noninteractive',
      'CUDA_HOME=/usr/local/cuda',
    ]);
    // deps:pip starts at phase `system`, so at the runtime base; its op env (PIP_NO_CACHE_DIR) is appended
    expect(execEnv(samplePlan(), 'deps:pip', { imageEnv })).toEqual([...CUDA_ENV.map((e) => e.replace('dialog', 'noninteractive')), 'PIP_NO_CACHE_DIR=1']);
  });

  it("a plan PATH replaces the image's PATH at the image's position", () => {
    const plan = samplePlan();
    plan.export_phases[0].stages[0].env = { PATH: '/venv/bin:/usr/bin:/bin', DEBIAN_FRONTEND: 'noninteractive' };
    expect(execEnv(plan, 'system:apt', { imageEnv: { [RUNTIME]: CUDA_ENV } })).toEqual([
      'PATH=/venv/bin:/usr/bin:/bin',
      'LANG=C.UTF-8',
      'DEBIAN_FRONTEND=noninteractive',
      'CUDA_HOME=/usr/local/cuda',
    ]);
  });

  it('build phases start at the build base, export phases at the runtime base', () => {
    const imageEnv = { [BUILDER]: ['B=1'], [RUNTIME]: ['R=1'] };
    expect(execEnv(chainPlan(), 'build-two:on-phase', { imageEnv })).toEqual(['B=1', 'B_STAGE=1']);
    expect(execEnv(chainPlan(), 'system:apt', { imageEnv })).toEqual(['R=1', 'DEBIAN_FRONTEND=noninteractive']);
  });

  it('a stage sourced from a stage gets the image env its chain starts at, not the source stage env; scratch gets none', () => {
    const imageEnv = { [RUNTIME]: ['R=1'] };
    expect(execEnv(chainPlan(), 'more:from-stage', { imageEnv })).toEqual(['R=1', 'OWN=x']);
    expect(execEnv(chainPlan(), 'more:from-scratch', { imageEnv })).toEqual(['OWN=y']);
  });

  it('no option, an empty map or empty lists give exactly the bytes of before', () => {
    for (const plan of [samplePlan(), chainPlan()]) {
      const plain = Buffer.from(planToLlb(plan).definition);
      for (const imageEnv of [{}, { [RUNTIME]: [] }, { [RUNTIME]: [], [BUILDER]: [] }, { 'other/image:1': ['X=1'] }] as Record<string, string[]>[]) {
        expect(Buffer.from(planToLlb(plan, { imageEnv }).definition).equals(plain)).toBe(true);
      }
    }
  });

  it('an image env changes the exec ops (their cache keys), never the plan or the image config', () => {
    const plan = samplePlan();
    const before = JSON.stringify(plan);
    const plain = planToLlb(plan);
    const withEnv = planToLlb(plan, { imageEnv: { [RUNTIME]: CUDA_ENV } });
    expect(withEnv.result).not.toBe(plain.result);
    expect(withEnv.imageConfig).toEqual(plain.imageConfig);
    expect(JSON.stringify(plan)).toBe(before);
    expect(Buffer.from(planToLlb(plan, { imageEnv: { [RUNTIME]: [...CUDA_ENV] } }).definition).equals(Buffer.from(withEnv.definition))).toBe(true);
  });
});

describe('envImageRefs / imageEnvOf', () => {
  it('lists the images a stage chain can start at: image sources and the base of each phase kind used', () => {
    expect(envImageRefs(samplePlan())).toEqual([RUNTIME]);
    expect(envImageRefs(chainPlan())).toEqual([BUILDER, RUNTIME].sort());
  });

  it('takes Env from each config, skipping missing configs, missing Env and non-string entries', () => {
    expect(imageEnvOf({ b: { config: { Env: ['B=1', 7] } }, a: { config: { Env: ['A=1'] } }, c: null, d: { config: {} } })).toEqual({ a: ['A=1'], b: ['B=1'] });
  });
});
