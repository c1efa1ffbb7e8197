import { decodeOp } from '../encode';
import { samplePlan } from '../../src/testing/sample-plan';
import { SQUASH_MTIME_NS } from './inputs';
import { planToLlb } from './plan-to-llb';

/** The squash copy's action, decoded from the marshalled bytes (what the daemon receives). */
function squashCopy(opts: Parameters<typeof planToLlb>[1]) {
  const r = planToLlb(samplePlan(), opts);
  const op = r.ops.find((o) => o.digest === r.layerDigests['system:apt'])!;
  return { digest: op.digest, copy: decodeOp(op.bytes).file!.actions[0].copy! };
}

describe('squash layer mtime', () => {
  it('is 1980-01-01T00:00:00Z by default, encoded exactly as int64 nanoseconds', () => {
    expect(SQUASH_MTIME_NS).toBe(315_532_800_000_000_000);
    expect(new Date(SQUASH_MTIME_NS / 1e6).toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(String(squashCopy({}).copy.timestamp)).toBe('315532800000000000');
  });

  it('null keeps the snapshot mtimes (timestamp -1 = unset) and gives another op digest', () => {
    const kept = squashCopy({ squashMtime: null });
    expect(kept.copy.timestamp).toBe(-1);
    expect(kept.digest).not.toBe(squashCopy({}).digest);
  });

  it('a chosen value is passed through (0 is the proto3 default, so it is simply not written)', () => {
    expect(squashCopy({ squashMtime: 1_700_000_000 * 1e9 }).copy.timestamp).toBe(1_700_000_000 * 1e9);
    expect(squashCopy({ squashMtime: 0 }).copy.timestamp ?? 0).toBe(0);
  });

  it('diff stages and plain COPY operations are left alone', () => {
    const r = planToLlb(samplePlan());
    const stamped = r.ops.flatMap((o) => (o.kind === 'file' ? decodeOp(o.bytes).file!.actions : [])).filter((a) => a.copy && a.copy.timestamp !== -1);
    expect(stamped).toHaveLength(Object.values(r.layerDigests).filter((d) => r.ops.find((o) => o.digest === d)!.kind === 'file').length);
  });
});
