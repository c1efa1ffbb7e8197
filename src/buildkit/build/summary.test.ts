import { assignStages, makeSummary } from './summary';
import { VertexBook } from '../progress/progress-book';
import type { PlanData } from '../../../planner/plan-schema';

const stage = (id: string, layer: 'diff' | 'squash', ops = 1) => ({ id, layer, operations: Array.from({ length: ops }, () => ({})) });
const plan = {
  export_phases: [{ name: 'a', stages: [stage('a:one', 'squash'), stage('a:two', 'diff', 2), stage('a:three', 'squash')] }],
} as unknown as PlanData;

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

describe('makeSummary: which stages a build reused', () => {
  const ts = (s: number) => ({ seconds: String(s), nanos: 0 });
  const summarize = (vertexes: object[]) => {
    const book = new VertexBook(() => 0);
    book.apply({ vertexes } as never);
    return makeSummary({
      ref: 'r',
      returnedAtExport: false,
      plan,
      names: [],
      outputs: [],
      exporterResponse: {},
      layers: [],
      stageLayers: ['a:one', 'a:two', 'a:three'],
      layerDigests: { 'a:three': 'd3' },
      layerNames: {},
      book,
      sourceDateEpoch: 0,
      warnings: [],
      planMs: 0,
      solveMs: 0,
      totalMs: 0,
    }).stages.map((s) => `${s.id}=${s.cached}`);
  };

  it('a stage is cached when each of its steps was answered from cache or never ran in this build; a step that ran makes it rebuilt', () => {
    expect(
      summarize([
        { digest: 'd1', name: '[a:one] RUN x', started: ts(1), completed: ts(2), cached: true },
        // announced, never started: another build being recorded held its result (no status comes for it)
        { digest: 'd2', name: '[a:two] RUN y' },
        { digest: 'd2b', name: '[a:two] RUN z', started: ts(1), completed: ts(2), cached: true },
        { digest: 'd3', name: 'squash a:three', started: ts(1), completed: ts(3) },
      ]),
    ).toEqual(['a:one=true', 'a:two=true', 'a:three=false']);
    expect(
      summarize([
        { digest: 'd1', name: '[a:one] RUN x', started: ts(1), completed: ts(2) },
        { digest: 'd2', name: '[a:two] RUN y', started: ts(1) },
        { digest: 'd3', name: 'squash a:three', started: ts(1), completed: ts(2), cached: true },
      ]),
    ).toEqual(['a:one=false', 'a:two=false', 'a:three=true']);
  });
});
