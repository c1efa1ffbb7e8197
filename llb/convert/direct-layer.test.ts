import type { Operation, PlanData, Stage } from '../../planner/plan-schema';
import { PlanSchema } from '../../planner/plan-schema';
import { samplePlan } from '../../src/testing/sample-plan';
import { directLayerDirs } from './direct-layer';
import { SQUASH_MTIME_NS } from './inputs';
import { planToLlb } from './plan-to-llb';

const T = SQUASH_MTIME_NS;
const ctx = { type: 'context' as const, name: 'source' };
const copy = (src: string, dest: string, more: Partial<Extract<Operation, { op: 'copy' }>> = {}): Operation => ({
  op: 'copy',
  from: ctx,
  src,
  dest,
  include: [],
  exclude: [],
  contents_only: true,
  ...more,
});

function stage(operations: Operation[], more: Partial<Stage> = {}): Stage {
  return { id: 'code:x', name: 'x', block: 'x', source: { type: 'scratch' }, operations, env: {}, dir: '/', provides: [], layer: 'squash', ...more };
}

/** samplePlan with one more export phase holding these stages (and a stage on top that copies from the first). */
function planWith(stages: Stage[], reader = false): PlanData {
  const plan = samplePlan();
  const extra = reader
    ? [stage([copy('/src', '/opt/src', { from: { type: 'stage', id: stages[0].id } })], { id: 'code:reader', source: { type: 'phase', name: 'app' } })]
    : [];
  plan.export_phases.push({ name: 'code', stages: [...stages, ...extra] });
  return PlanSchema.parse(plan);
}

const dirs = (s: Stage) => {
  const made = directLayerDirs(s);
  return made && Object.fromEntries([...made].map(([d, m]) => [d, m.owner ? [m.mode.toString(8), m.owner.uid, m.owner.gid] : m.mode.toString(8)]));
};

describe('directLayerDirs: which stages are their own layer', () => {
  it('a copy into a top-level dir makes no directory; deeper ones make their parents (0755, the copy owner)', () => {
    expect(dirs(stage([copy('/', '/src')]))).toEqual({});
    expect(dirs(stage([copy('/w.bin', '/weights/w.bin', { contents_only: false })]))).toEqual({ '/weights': '755' });
    expect(dirs(stage([copy('/ck', '/src/models/ck', { owner: { uid: 1000, gid: 100 } })]))).toEqual({
      '/src': ['755', 1000, 100],
      '/src/models': ['755', 1000, 100],
    });
  });

  it('mkdir -p makes every level with its mode; the first maker of a dir wins', () => {
    const ops: Operation[] = [
      { op: 'mkdir', path: '/usr/local/bin', mode: 0o750, parents: true },
      { op: 'mkfile', path: '/usr/local/bin/tool', data: '#!/bin/sh\n', mode: 0o755 },
      copy('/', '/usr/share/app'),
    ];
    expect(dirs(stage(ops))).toEqual({ '/usr': '750', '/usr/local': '750', '/usr/local/bin': '750', '/usr/share': '755' });
  });

  it('keeps the Copy(Diff) squash for every other shape', () => {
    const run: Operation = { op: 'exec', args: ['/bin/true'], env: {}, mounts: [], network: 'none' };
    const rejected: Stage[] = [
      stage([]),
      stage([copy('/', '/src')], { source: { type: 'image', ref: 'docker.io/library/python:3.11-slim' } }),
      stage([copy('/', '/src')], { layer: 'diff' }),
      stage([copy('/', '/src'), run]),
      stage([copy('/', '/src'), { op: 'rm', path: '/src/x', allow_not_found: true }]),
      stage([{ op: 'symlink', target: '/src', path: '/app' }]),
      stage([copy('/*.py', '/src')]),
      stage([copy('/a\\[1\\]', '/src')]),
      stage([copy('/', '/src', { include: ['*.py'] })]),
      // what a copy leaves at its dest is not known, so nothing may be written into it afterwards
      stage([copy('/', '/src'), { op: 'mkfile', path: '/src/VERSION', data: '1', mode: 0o644 }]),
      stage([copy('/', '/src'), copy('/x', '/src/x')]),
      // a copy onto an existing dir lands inside it under a name of its own
      stage([{ op: 'mkdir', path: '/src', mode: 0o755, parents: false }, copy('/', '/src')]),
    ];
    expect(rejected.map(directLayerDirs)).toEqual(rejected.map(() => null));
  });
});

describe('planToLlb with direct layers', () => {
  it('the layer is the stage FileOp on scratch: every action stamped, no Diff, no squash Copy', () => {
    const r = planToLlb(planWith([stage([copy('/', '/src')], { id: 'code:source' })]));
    const layer = r.ops.find((o) => o.digest === r.layerDigests['code:source'])!;
    expect(layer.name).toBe('[code:source] COPY / /src');
    expect(layer.op.inputs).toHaveLength(1);
    expect(r.ops.find((o) => o.digest === layer.op.inputs![0].digest)!.op.source!.identifier).toBe('local://source');
    expect(layer.op.file!.actions).toEqual([
      expect.objectContaining({
        input: -1,
        secondaryInput: 0,
        output: 0,
        copy: expect.objectContaining({ src: '/', dest: '/src', dirCopyContents: true, timestamp: T }),
      }),
    ]);
    expect(r.ops.filter((o) => o.name.includes('code:source')).map((o) => o.kind)).toEqual(['file']);
  });

  it('made directories are restamped by a last copy from a mkdir-only state, in the same FileOp', () => {
    const ops: Operation[] = [
      { op: 'mkdir', path: '/usr/local/bin', mode: 0o755, parents: true },
      { op: 'mkfile', path: '/usr/local/bin/app', data: 'x', mode: 0o755 },
      copy('/w.bin', '/weights/w.bin', { contents_only: false, owner: { uid: 1, gid: 2 } }),
    ];
    const r = planToLlb(planWith([stage(ops)]));
    const layer = r.ops.find((o) => o.digest === r.layerDigests['code:x'])!;
    const actions = layer.op.file!.actions;
    expect(actions.map((a) => (a.mkdir ?? a.mkfile ?? a.copy)!.timestamp)).toEqual([T, T, T, T]);
    const tree = r.ops.find((o) => o.digest === layer.op.inputs![actions[3].secondaryInput!].digest)!;
    expect(tree.op.inputs ?? []).toEqual([]);
    expect(tree.op.file!.actions.map((a) => [a.mkdir!.path, a.mkdir!.mode, a.mkdir!.makeParents ?? false, a.mkdir!.owner?.user?.byID ?? 0])).toEqual([
      ['/usr', 0o755, false, 0],
      ['/usr/local', 0o755, false, 0],
      ['/usr/local/bin', 0o755, false, 0],
      ['/weights', 0o755, false, 1],
    ]);
    expect(actions[3]).toMatchObject({ input: layer.op.inputs!.length + 2, output: 0, copy: { src: '/', dest: '/', dirCopyContents: true, timestamp: T } });
    expect(actions[3].copy!.followSymlink ?? false).toBe(false);
  });

  it('a stage reading a direct stage gets the layer itself (one copy on the daemon)', () => {
    const r = planToLlb(planWith([stage([copy('/', '/src')], { id: 'code:source' })], true));
    const reader = r.ops.find((o) => o.name.startsWith('[code:reader]'))!;
    expect(reader.op.inputs!.map((i) => i.digest)).toContain(r.layerDigests['code:source']);
  });

  it('squashMtime null keeps Copy(Diff): without a fixed mtime the made dirs would carry the build time', () => {
    const r = planToLlb(planWith([stage([copy('/', '/src')], { id: 'code:source' })]), { squashMtime: null });
    expect(r.ops.find((o) => o.digest === r.layerDigests['code:source'])!.name).toBe('squash code:source');
  });
});
