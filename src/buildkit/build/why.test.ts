import { inputsRecordOf } from '../../../planner/inputs';
import { samplePlan } from '../../testing/sample-plan';
import type { BuildSummary } from './summary';
import { describeChanges, withReasons } from './why';

const summary = (ids: string[]): BuildSummary => ({
  ref: 'r',
  image: { names: ['x'] },
  previous: null,
  outputs: [],
  sourceDateEpoch: 0,
  layers: [],
  stages: ids.map((id) => ({ id, name: id, layers: [], cached: true, because: [] })),
  timings: { planMs: 0, solveMs: 0, totalMs: 0, returnedAtExport: false, steps: [] },
  cached: [],
  warnings: [],
});

describe('why: the summary and the lines', () => {
  it('fills because and previous only when the replaced image has a record', () => {
    const plan = samplePlan();
    const ids = plan.export_phases.flatMap((p) => p.stages).map((s) => s.id);
    const record = inputsRecordOf(plan);
    expect(withReasons(summary(ids), null, record, plan).previous).toBeNull();
    expect(withReasons(summary(ids), { name: 'x', id: 'sha256:1' }, record, plan).previous).toBeNull();
    const older = {
      ...record,
      stages: { ...record.stages, [ids[0]]: { ...record.stages[ids[0]], env: { ...record.stages[ids[0]].env, OLD_ONLY: 'aaaaaaaaaaaa' } } },
    };
    const s = withReasons(summary(ids), { name: 'x', id: 'sha256:1', record: older }, record, plan);
    expect(s.previous).toEqual({ name: 'x', id: 'sha256:1' });
    expect(s.stages.map((x) => x.because)).toEqual(ids.map((id, i) => (i === 0 ? ['env - OLD_ONLY'] : [])));
    expect(describeChanges(s.stages)).toEqual([`${ids[0]}: env - OLD_ONLY`]);
  });
});
