import { decodeDefinition, decodeOp } from '../encode';
import { daemonPlan, samplePlan } from '../../src/testing/sample-plan';
import { FREEZE_VIEW, planToLlb } from './plan-to-llb';
import { marshal } from '../marshal';
import type { PlanData } from '../../planner/plan-schema';

const byDigest = (r: ReturnType<typeof planToLlb>) => new Map(r.ops.map((o) => [o.digest, o]));

describe('planToLlb', () => {
  it('builds the image as Merge([runtime base, one layer per export stage]) in order', () => {
    const r = planToLlb(samplePlan(), { sessionId: 'sess' });
    expect(r.stageLayers).toEqual(['system:apt', 'deps:pip', 'app:source']);
    const ops = byDigest(r);
    const top = ops.get(r.result)!;
    expect(top.kind).toBe('merge');
    expect(top.name).toBe('image');
    const inputs = top.op.inputs!.map((i) => i.digest);
    expect(inputs).toHaveLength(4);
    expect(ops.get(inputs[0])!.op.source!.identifier).toBe('docker-image://docker.io/library/python:3.11-slim');
    expect(inputs.slice(1)).toEqual(r.stageLayers.map((id) => r.layerDigests[id]));
    expect(top.op.merge!.inputs).toEqual([{ input: 0 }, { input: 1 }, { input: 2 }, { input: 3 }]);
  });

  it('gives pip freeze the Python metadata of installing stages, keyed by content, and whole layers of stages that provide python or declare nothing', () => {
    const plan = samplePlan();
    const stages = plan.export_phases.flatMap((p) => p.stages);
    stages.find((s) => s.id === 'system:apt')!.provides = ['apt'];
    const r = planToLlb(plan);
    const m = marshal(r.freezeRoot);
    const ops = new Map(m.ops.map((o) => [o.digest, o]));
    const top = ops.get(m.result)!;
    expect(top.name).toBe('python packages (pip freeze)');
    const [base, apt, deps] = top.op.inputs!.map((i) => ops.get(i.digest)!);
    expect(base.kind).toBe('source');
    // apt provides something it names: only its metadata, a copy whose cache key is the content of those files
    expect(apt.name).toBe('python metadata of system:apt');
    expect(apt.op.file!.actions[0].copy).toMatchObject({ src: '/', dest: '/', include_patterns: FREEZE_VIEW });
    expect(apt.op.inputs![0].digest).toBe(r.layerDigests['system:apt']);
    // deps:pip declares nothing (provides: []) here, so it may have changed anything: whole
    expect(deps.digest).toBe(r.layerDigests['deps:pip']);
    expect(top.op.inputs).toHaveLength(3); // app:source only writes files: left out
    // `installed` (what the SBOM reads: dpkg status too) keeps every installing layer whole
    const whole = marshal(r.installed);
    const wholeTop = whole.ops.find((o) => o.digest === whole.result)!;
    expect(wholeTop.op.inputs!.slice(1).map((i) => i.digest)).toEqual([r.layerDigests['system:apt'], r.layerDigests['deps:pip']]);
  });

  it('squash stages are Copy(Diff) onto scratch; diff stages are the raw Diff', () => {
    const r = planToLlb(samplePlan());
    const ops = byDigest(r);
    const squash = ops.get(r.layerDigests['system:apt'])!;
    expect(squash.kind).toBe('file');
    const action = squash.op.file!.actions[0];
    expect(action).toMatchObject({ input: -1, secondaryInput: 0, output: 0, copy: { src: '/', dest: '/', dirCopyContents: true } });
    expect(ops.get(squash.op.inputs![0].digest)!.kind).toBe('diff');
    const raw = ops.get(r.layerDigests['deps:pip'])!;
    expect(raw.kind).toBe('diff');
    expect(raw.op.diff).toEqual({ lower: { input: 0 }, upper: { input: 1 } });
  });

  it('converts mounts: locked apt cache, shared pip cache, secret by id, bind from a build stage, network', () => {
    const r = planToLlb(samplePlan());
    const execs = r.ops.filter((o) => o.kind === 'exec');
    const apt = execs.find((o) => o.name.startsWith('[system:apt]'))!;
    expect(apt.op.exec!.mounts.find((m) => m.dest === '/var/cache/apt')!.cacheOpt).toEqual({ ID: 'cogpack-apt-cache', sharing: 2 });
    const pip = execs.find((o) => o.name.startsWith('[deps:pip]'))!;
    const mounts = pip.op.exec!.mounts;
    expect(mounts.map((m) => m.dest)).toEqual(['/', '/run/secrets/pip-token', '/tmp', '/wheels']);
    expect(mounts[1].secretOpt).toMatchObject({ ID: 'pip-token', optional: true });
    expect(mounts[3]).toMatchObject({ selector: '/wheels', readonly: true, output: -1, input: 1 });
    const wheels = byDigest(r).get(pip.op.inputs![1].digest)!;
    expect(wheels.name).toBe('[build-deps:pip:wheels] build wheels');
    expect(pip.op.exec!.network).toBe(2);
    expect(pip.op.exec!.meta.env).toEqual(['DEBIAN_FRONTEND=noninteractive', 'PIP_NO_CACHE_DIR=1']);
    expect(pip.op.platform).toEqual({ Architecture: 'amd64', OS: 'linux' });
    const wheelCache = wheels.op.exec!.mounts.find((m) => m.dest === '/root/.cache/pip')!;
    expect(wheelCache.cacheOpt).toEqual({ ID: 'cogpack-pip-cache', sharing: 0 });
  });

  it('groups consecutive file operations into one FileOp and uses local sources with session and patterns', () => {
    const r = planToLlb(samplePlan(), { sessionId: 'sess-1', symlinks: 'action' });
    const file = r.ops.find((o) => o.name.startsWith('[app:source]'))!;
    const kinds = (o: typeof file) => o.op.file!.actions.map((a) => Object.keys(a).find((k) => ['copy', 'mkfile', 'mkdir', 'symlink'].includes(k)));
    expect(kinds(file)).toEqual(['mkdir', 'copy', 'mkfile', 'symlink']);
    const local = r.ops.find((o) => o.kind === 'source' && o.op.source!.identifier === 'local://source')!;
    expect(local.op.source!.attrs).toEqual({
      'local.excludepatterns': '[".git","__pycache__"]',
      'local.session': 'sess-1',
      'local.sharedkeyhint': 'source',
    });
  });

  it('turns symlinks into ln -sfn by default (Docker 26.1 BuildKit has no FileActionSymlink)', () => {
    const r = planToLlb(samplePlan());
    const app = r.ops.filter((o) => o.name.startsWith('[app:source]'));
    expect(app.map((o) => o.kind)).toEqual(['file', 'exec']);
    expect(app[1].op.exec!.meta.args).toEqual(['/bin/ln', '-sfn', '--', '/src/predict.py', '/predict.py']);
    const onScratch = samplePlan();
    onScratch.export_phases[2].stages[0].source = { type: 'scratch' };
    onScratch.export_phases[2].stages[0].operations = [{ op: 'symlink', target: '/a', path: '/b' }];
    expect(() => planToLlb(onScratch)).toThrow(/symlink on an empty filesystem/);
  });

  it('changing one stage changes only that stage layer digest and the merge', () => {
    const a = planToLlb(samplePlan());
    const changed = samplePlan();
    const op = changed.export_phases[0].stages[0].operations[0];
    if (op.op === 'exec') op.args = ['/bin/sh', '-c', 'apt-get update && apt-get install -y ffmpeg git'];
    const b = planToLlb(changed);
    expect(b.layerDigests['system:apt']).not.toBe(a.layerDigests['system:apt']);
    // deps:pip sits on the system phase, so its raw Diff changes too; the squashed app layer does as well.
    // What must not change is a stage whose inputs did not change:
    const independent = samplePlan();
    const indep2 = samplePlan();
    const s2 = indep2.export_phases[2].stages[0].operations[2];
    if (s2.op === 'mkfile') s2.data = '0.2\n';
    const c = planToLlb(independent);
    const d = planToLlb(indep2);
    expect(d.layerDigests['system:apt']).toBe(c.layerDigests['system:apt']);
    expect(d.layerDigests['deps:pip']).toBe(c.layerDigests['deps:pip']);
    expect(d.layerDigests['app:source']).not.toBe(c.layerDigests['app:source']);
  });

  it('is deterministic and valid', () => {
    const a = planToLlb(samplePlan(), { sessionId: 's' });
    const b = planToLlb(samplePlan(), { sessionId: 's' });
    expect(Buffer.from(a.definition).equals(Buffer.from(b.definition))).toBe(true);
    const def = decodeDefinition(a.definition);
    expect(decodeOp(def.def[def.def.length - 1])).toEqual({ inputs: [{ digest: a.result }] });
    for (const entry of a.dump()) {
      expect(['exec', 'source', 'file', 'merge', 'diff']).toContain(entry.kind);
      expect(def.metadata![entry.digest].description!['llb.customname']).toBe(entry.description);
    }
  });

  it('sets ignore_cache with noCache', () => {
    const r = planToLlb(samplePlan(), { noCache: true });
    const md = decodeDefinition(r.definition).metadata!;
    expect(r.ops.every((o) => md[o.digest].ignore_cache === true)).toBe(true);
  });

  it('throws InternalError on unknown stage ids, contexts and cycles', () => {
    const unknown: PlanData = samplePlan();
    unknown.export_phases[1].stages[0].source = { type: 'stage', id: 'nope:x' };
    expect(() => planToLlb(unknown)).toThrow(/unknown stage "nope:x"/);
    const ctx = samplePlan();
    ctx.contexts = {};
    expect(() => planToLlb(ctx)).toThrow(/context "source" is not declared/);
    const secret = samplePlan();
    secret.secrets = [];
    expect(() => planToLlb(secret)).toThrow(/mounts secret "pip-token", which plan.secrets does not declare/);
    const cyc = samplePlan();
    cyc.export_phases[0].stages[0].source = { type: 'phase', name: 'app' };
    expect(() => planToLlb(cyc)).toThrow(/depends on itself/);
  });

  it('with no export stages the image is the runtime base', () => {
    const p = samplePlan();
    p.export_phases = [];
    const r = planToLlb(p);
    expect(r.ops.find((o) => o.digest === r.result)!.kind).toBe('source');
    expect(r.stageLayers).toEqual([]);
  });

  it('sets image.resolvemode when asked', () => {
    const r = planToLlb(samplePlan(), { imageResolveMode: 'local' });
    const images = r.ops.filter((o) => o.op.source?.identifier.startsWith('docker-image://'));
    expect(images.length).toBeGreaterThan(0);
    for (const o of images) expect(o.op.source!.attrs).toEqual({ 'image.resolvemode': 'local' });
  });

  it('daemonPlan: three export stages, a marker that changes only the stages built on it', () => {
    const a = planToLlb(daemonPlan('cogpack.local/debian-python:bookworm', 'a'));
    const b = planToLlb(daemonPlan('cogpack.local/debian-python:bookworm', 'b'));
    expect(a.stageLayers).toEqual(['one:marker', 'two:delete', 'three:files']);
    expect(b.layerDigests['three:files']).toBe(a.layerDigests['three:files']);
    expect(b.layerDigests['one:marker']).not.toBe(a.layerDigests['one:marker']);
    expect(a.ops.some((o) => o.kind === 'source' && o.op.source!.identifier.startsWith('local://'))).toBe(false);
  });
});
