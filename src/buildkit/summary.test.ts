import { assignStages } from './summary';
import type { PlanData } from '../../planner/plan-schema';

const stage = (id: string, layer: 'diff' | 'squash', ops = 1) => ({ id, layer, operations: Array.from({ length: ops }, () => ({})) });
const plan = { export_phases: [{ name: 'a', stages: [stage('a:one', 'squash'), stage('a:two', 'diff', 2), stage('a:three', 'squash')] }] } as unknown as PlanData;

describe('assignStages', () => {
  it('maps the top layers to stages: squash one layer, diff one per operation', () => {
    const m = assignStages(plan, ['a:one', 'a:two', 'a:three'], ['base', 'l1', 'l2a', 'l2b', 'l3'], 1);
    expect(Object.fromEntries(m)).toEqual({ 'a:one': ['l1'], 'a:two': ['l2a', 'l2b'], 'a:three': ['l3'] });
  });

  it('assigns nothing when the counts do not add up, rather than guessing', () => {
    expect(assignStages(plan, ['a:one', 'a:two', 'a:three'], ['base', 'extra', 'l1', 'l2a', 'l2b', 'l3'], 1).size).toBe(0);
    expect(assignStages(plan, ['a:one', 'a:two', 'a:three'], ['l1'], undefined).size).toBe(0);
  });
});
