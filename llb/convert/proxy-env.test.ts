import { decodeDefinition, decodeOp } from '../encode';
import { samplePlan } from '../../src/testing/sample-plan';
import { planToLlb } from './plan-to-llb';

const PROXY = { http_proxy: 'http://127.0.0.1:9', no_proxy: 'localhost' };

function execOps(opts: Parameters<typeof planToLlb>[1]) {
  const r = planToLlb(samplePlan(), opts);
  // plan execs only: a plan `symlink` run as `ln` (network none) is the converter's own and gets no proxies
  const planExecs = r.ops.filter((o) => o.kind === 'exec' && !o.name.includes(' SYMLINK '));
  return { r, execs: planExecs.map((o) => ({ digest: o.digest, op: decodeOp(o.bytes) })) };
}

describe('proxy env (ExecOp Meta.proxy_env)', () => {
  it('without proxies the definition is byte-identical to the default one (no proxy_env field, no cap)', () => {
    const plain = planToLlb(samplePlan());
    expect(Buffer.from(planToLlb(samplePlan(), { proxyEnv: {} }).definition).equals(Buffer.from(plain.definition))).toBe(true);
    expect(Buffer.from(planToLlb(samplePlan(), { proxyEnv: { http_proxy: '' } }).definition).equals(Buffer.from(plain.definition))).toBe(true);
  });

  it('every exec of the plan carries the proxies in proxy_env, none in its env', () => {
    const { execs } = execOps({ proxyEnv: PROXY });
    expect(execs.length).toBeGreaterThan(0);
    for (const { op } of execs) {
      expect(op.exec!.meta.proxy_env).toEqual(PROXY);
      expect((op.exec!.meta.env ?? []).join('\n')).not.toContain('127.0.0.1:9');
    }
  });

  it('declares the exec.meta.proxyenv cap on exactly the execs that carry proxies', () => {
    const { r, execs } = execOps({ proxyEnv: PROXY });
    const def = decodeDefinition(r.definition);
    const execDigests = new Set(execs.map((e) => e.digest));
    for (const [digest, meta] of Object.entries(def.metadata ?? {})) {
      const caps = Object.keys(meta.caps ?? {});
      expect(caps.includes('exec.meta.proxyenv')).toBe(execDigests.has(digest));
    }
  });

  it('leaves the image config and the plan alone', () => {
    const plan = samplePlan();
    const before = JSON.stringify(plan);
    const r = planToLlb(plan, { proxyEnv: PROXY });
    expect(JSON.stringify(plan)).toBe(before);
    expect(JSON.stringify(r.imageConfig)).not.toContain('127.0.0.1:9');
    expect(r.imageConfig).toEqual(planToLlb(samplePlan()).imageConfig);
  });
});
