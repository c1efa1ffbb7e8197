/**
 * Plan → LLB on the real daemon (issue 3, "Real"): planToLlb's Definition is solved as is for three fixtures
 * and the session-less sample plan. Checks: (a) the image is the base image's layers plus one layer per
 * export stage, in stageLayers order; (b) an edit to one stage's input changes that stage's layer only;
 * (c) the Definition's merge and diff ops show up in the Status stream and really ran (not a fallback).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planProject } from '../stacks/plan-project';
import { parseImageMap } from '../planner/image-map';
import type { PlanData, Stage } from '../planner/plan-schema';
import { connectBuildkit, type BuildkitConnection } from '../src/buildkit/connection/connection';
import { sessionContexts, startSession } from '../src/buildkit/session';
import { solve } from '../src/buildkit/solve/solve';
import type { Vertex } from '../src/buildkit/progress/status-types';
import { buildWheel, daemonEnv, describeWithDaemon, docker, dockerTry, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing';
import { mergeImageConfig, planToLlb, type LlbResult } from '.';
import { daemonPlan } from '../src/testing/sample-plan';

jest.setTimeout(600_000);
// jest prints nothing for a file whose only suite is skipped; say why once
if (!daemonEnv()) console.warn(`llb/layers.int.test.ts skipped: ${NO_DAEMON_MESSAGE}`);

interface Solved {
  plan: PlanData;
  llb: LlbResult;
  vertices: Map<string, Vertex>;
  /** the image name it was exported as */
  name: string;
  /** RootFS diffIDs, bottom-up */
  layers: string[];
  /** history `created_by`, bottom-up */
  history: string[];
  baseLayers: string[];
  /** digests of ops no earlier solve of this run contained (with a per-run base, new to the daemon too) */
  fresh: Set<string>;
}

/** Names images, base images and edits of this run, so they are new content to the daemon. */
const nonce = `${process.pid}-${Date.now()}`;
const tempDirs: string[] = [];

/** Tests edit a fresh copy of a fixture, never testdata/ itself. */
function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cogpack-llb-it-${name}-`));
  tempDirs.push(dir);
  fs.cpSync(path.join(REPO_ROOT, 'testdata', name), dir, { recursive: true });
  return dir;
}

/** How many image layers an export stage makes: one when squashed, one per operation in `diff` mode. */
function exportStage(plan: PlanData, id: string): Stage {
  const stage = plan.export_phases.flatMap((p) => p.stages).find((s) => s.id === id);
  if (!stage) throw new Error(`no export stage ${id}`);
  return stage;
}
function layerCount(plan: PlanData, id: string): number {
  const stage = exportStage(plan, id);
  return stage.layer === 'diff' ? stage.operations.length : 1;
}

/** Stage id → its diffIDs, cutting the layers above the base in stageLayers order. */
function layersByStage(s: Solved): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let i = s.baseLayers.length;
  for (const id of s.llb.stageLayers) {
    const n = layerCount(s.plan, id);
    out.set(id, s.layers.slice(i, i + n));
    i += n;
  }
  return out;
}

const describeOf = (llb: LlbResult, digest: string): string => llb.dump().find((d) => d.digest === digest)?.description ?? '';

describeWithDaemon('plan → LLB layers on the real daemon', (denv: DaemonEnv) => {
  const env = { ...process.env, ...denv };
  const created: string[] = [];
  let conn: BuildkitConnection;
  let imageMap: Record<string, string>;
  /** the per-run stand-in for python:3.11-slim */
  let base: string;
  let counter = 0;
  const solvedOps = new Set<string>();

  /** `local` plus one file naming this run, committed as a new image (new digest, so new cache keys). */
  function perRunImage(local: string): string {
    const ref = `docker.io/cogpack-llb-it/base-${local.replace(/^.*\//, '').replace(/[^a-z0-9]+/g, '-')}:${nonce}`;
    const box = `cogpack-llb-it-${nonce}-${created.length}`;
    docker(denv, ['run', '--name', box, '--network', 'none', local, 'sh', '-c', `echo ${nonce} > /etc/cogpack-llb-it`]);
    try {
      docker(denv, ['commit', box, ref]);
    } finally {
      dockerTry(denv, ['rm', '-f', box]);
    }
    created.push(ref);
    return ref;
  }

  // Every op of these builds sits on base images made for this run, so no other build on a shared daemon
  // (or an earlier run) can hold cache records for them: first builds really execute every merge/diff, and
  // a "kept" layer is kept because of our LLB, not because of which duplicate cache record the daemon picked.
  beforeAll(async () => {
    const shared = parseImageMap(denv.COGPACK_IMAGE_MAP);
    const bases = new Map([...new Set(Object.values(shared))].map((local) => [local, perRunImage(local)]));
    imageMap = Object.fromEntries(Object.entries(shared).map(([from, local]) => [from, bases.get(local) as string]));
    base = imageMap['docker.io/library/python:3.11-slim'];
    // connect after the synchronous docker calls above: a Go HTTP/2 server drops a connection whose client
    // SETTINGS frame has not arrived within a few seconds, and a blocked event loop never sends it
    conn = await connectBuildkit({ env });
  });
  afterAll(() => {
    conn?.close();
    if (created.length) dockerTry(denv, ['image', 'rm', '-f', ...created.reverse()]);
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const inspect = (ref: string): string[] => JSON.parse(docker(denv, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]));
  const history = (ref: string): string[] =>
    docker(denv, ['image', 'history', '--no-trunc', '--format', '{{json .CreatedBy}}', ref])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .reverse();

  /** planToLlb → Solve (session only when the plan has contexts) → moby exporter → inspect the stored image. */
  async function solvePlan(plan: PlanData, label: string, dir?: string): Promise<Solved> {
    const session = dir ? await startSession(conn, { projectDir: dir, contexts: sessionContexts(dir, plan.contexts), secrets: {}, env }) : null;
    const name = `docker.io/cogpack-llb-it/${label}:${nonce}-${++counter}`;
    created.push(name); // before the solve: a failure after the export still leaves an image to remove
    try {
      const llb = planToLlb(plan, { sessionId: session?.id });
      const config = mergeImageConfig(llb.imageConfig, null);
      const res = await solve(conn, {
        definition: llb.definition,
        sessionId: session?.id,
        exporters: [{ type: 'moby', attrs: { name, 'containerimage.config': JSON.stringify(config) } }],
      });
      const fresh = new Set(
        llb
          .dump()
          .map((d) => d.digest)
          .filter((d) => !solvedOps.has(d)),
      );
      fresh.forEach((d) => solvedOps.add(d));
      return { plan, llb, name, vertices: res.vertices, layers: inspect(name), history: history(name), baseLayers: inspect(plan.base_image.runtime), fresh };
    } finally {
      await session?.close();
    }
  }

  async function solveFixture(dir: string, label: string): Promise<Solved> {
    const { plan } = await planProject(dir, { imageMap, cogSdk: 'none', env });
    return solvePlan(plan, label, dir);
  }

  /** (a): base layers shared, then exactly the stages' layers, each made by that stage's layer op. */
  function expectOneLayerPerStage(s: Solved): void {
    const expected = s.llb.stageLayers.reduce((n, id) => n + layerCount(s.plan, id), 0);
    expect(s.layers.slice(0, s.baseLayers.length)).toEqual(s.baseLayers);
    expect(s.layers).toHaveLength(s.baseLayers.length + expected);
    // history says which op made each layer: our squash Copy by its custom name, or (diff mode) each exec
    const top = s.history.slice(-expected);
    const made: string[] = [];
    const want: string[] = [];
    let i = 0;
    for (const id of s.llb.stageLayers) {
      const stage = exportStage(s.plan, id);
      const n = layerCount(s.plan, id);
      if (stage.layer === 'diff') {
        stage.operations.forEach((op, k) => {
          if (op.op !== 'exec') return;
          made.push(top[i + k]);
          want.push(`mount / from exec ${op.args.join(' ')}`);
        });
      } else {
        made.push(top[i]);
        want.push(describeOf(s.llb, s.llb.layerDigests[id]));
      }
      i += n;
    }
    expect(made).toEqual(want);
    expect(new Set(s.layers).size).toBe(s.layers.length);
  }

  /**
   * (c): every merge/diff op of the Definition is a Status vertex under its own name, and the image is the top
   * Merge; the ops this run had not solved before (new to the daemon: per-run base) each ran now, uncached.
   */
  function expectMergeDiffRan(s: Solved): void {
    const ops = s.llb.dump().filter((d) => d.kind === 'merge' || d.kind === 'diff');
    expect(ops.filter((d) => d.kind === 'merge').length).toBeGreaterThanOrEqual(1);
    // a stage on scratch is its own layer already; every other stage is cut out of its input by a Diff
    const onInput = s.plan.export_phases.flatMap((p) => p.stages).filter((st) => st.source.type !== 'scratch');
    expect(ops.filter((d) => d.kind === 'diff').length).toBeGreaterThanOrEqual(onInput.length);
    const seen = ops.map((d) => {
      const v = s.vertices.get(d.digest);
      const fresh = s.fresh.has(d.digest);
      return [d.kind, d.description, v?.name, v?.completed !== undefined, fresh && Boolean(v?.cached), fresh ? (v?.error ?? '') : ''];
    });
    expect(seen).toEqual(ops.map((d) => [d.kind, d.description, d.description, true, false, '']));
    expect(s.llb.dump().find((d) => d.digest === s.llb.result)?.kind).toBe('merge');
    expect(s.fresh.has(s.llb.result)).toBe(true);
    expect(s.vertices.get(s.llb.result)?.error ?? '').toBe('');
  }

  /** (b): the stages in `changed` got new layers and were rebuilt; every other stage kept its layers and was cached. */
  function expectOnlyChanged(before: Solved, after: Solved, changed: string[]): void {
    const a = layersByStage(before);
    const b = layersByStage(after);
    const differing = [...a.keys()].filter((id) => JSON.stringify(a.get(id)) !== JSON.stringify(b.get(id)));
    expect(differing).toEqual(changed);
    expect(after.layers.slice(0, after.baseLayers.length)).toEqual(before.layers.slice(0, before.baseLayers.length));
    const rebuilt = after.llb.stageLayers.filter((id) => !after.vertices.get(after.llb.layerDigests[id])?.cached);
    expect(rebuilt).toEqual(changed);
  }

  it('cpu-minimal: base + one layer per stage; a predict.py edit changes the code:source layer only', async () => {
    const dir = copyFixture('cpu-minimal');
    const first = await solveFixture(dir, 'cpu-minimal');
    expect(first.llb.stageLayers).toEqual(['python:python', 'code:source', 'code:cog-schema']);
    expectOneLayerPerStage(first);
    expectMergeDiffRan(first);
    fs.appendFileSync(path.join(dir, 'predict.py'), `\n# edited ${nonce}\n`);
    const second = await solveFixture(dir, 'cpu-minimal');
    expectOneLayerPerStage(second);
    expectOnlyChanged(first, second, ['code:source']);
  });

  it('pyproject-app: the entry-points stage is its own layer; a module edit changes code:source only', async () => {
    const dir = copyFixture('pyproject-app');
    const first = await solveFixture(dir, 'pyproject-app');
    expect(first.llb.stageLayers).toEqual(['python:python', 'code:entry-points', 'code:source']);
    expectOneLayerPerStage(first);
    expectMergeDiffRan(first);
    fs.appendFileSync(path.join(dir, 'hello_app', 'cli.py'), `\n# edited ${nonce}\n`);
    const second = await solveFixture(dir, 'pyproject-app');
    expectOnlyChanged(first, second, ['code:source']);
  });

  it('gpu-torch: CUDA stand-in base, a stage on a stage; new torch wheel bytes change the framework:torch layer only', async () => {
    const dir = copyFixture('gpu-torch');
    const first = await solveFixture(dir, 'gpu-torch');
    expect(first.llb.stageLayers).toEqual(['base:cuda', 'python:python', 'framework:torch', 'code:source', 'code:cog-schema']);
    expectOneLayerPerStage(first);
    expectMergeDiffRan(first);
    // same file name, so the plan and requirements.txt are unchanged; only the find-links context's bytes differ
    buildWheel(path.join(dir, 'wheels'), {
      name: 'torch',
      version: '2.3.1',
      files: { 'torch/__init__.py': `# stand-in, edited ${nonce}\n__version__ = '2.3.1'\n` },
    });
    const second = await solveFixture(dir, 'gpu-torch');
    expect(second.plan).toEqual(first.plan);
    expectOnlyChanged(first, second, ['framework:torch']);
  });

  it('weights: each weight is a stage layer of its own; editing one weight file changes that layer only', async () => {
    const dir = copyFixture('weights');
    const first = await solveFixture(dir, 'weights');
    expect(first.llb.stageLayers).toEqual(['python:python', 'weights:weights:checkpoints', 'weights:weights:extra.bin', 'code:source', 'code:cog-schema']);
    expectOneLayerPerStage(first);
    expectMergeDiffRan(first);
    fs.appendFileSync(path.join(dir, 'extra.bin'), `edited ${nonce}\n`);
    const second = await solveFixture(dir, 'weights');
    expectOnlyChanged(first, second, ['weights:weights:extra.bin']);
  });

  it('sample plan (no session): diff-mode stage keeps a layer per exec and its deletion; a marker change keeps stage three (its layer)', async () => {
    const first = await solvePlan(daemonPlan(base, `m1-${nonce}`), 'daemon-plan');
    expect(first.llb.stageLayers).toEqual(['one:marker', 'two:delete', 'three:files']);
    expectOneLayerPerStage(first);
    expect(first.layers).toHaveLength(first.baseLayers.length + 4);
    expectMergeDiffRan(first);
    const run = docker(denv, [
      'run',
      '--rm',
      '--network',
      'none',
      first.name,
      'sh',
      '-c',
      'cat /one.txt /two.txt /gen-copy.txt; readlink /three-link; test -e /etc/issue && echo issue-present || echo issue-gone',
    ]);
    expect(run.trim().split('\n')).toEqual([`m1-${nonce}`, 'two', 'generated', '/three.txt', 'issue-gone']);

    const second = await solvePlan(daemonPlan(base, `m2-${nonce}`), 'daemon-plan');
    expectOnlyChanged(first, second, ['one:marker', 'two:delete']);
    expect(layersByStage(second).get('three:files')).toEqual(layersByStage(first).get('three:files'));
  });
});
