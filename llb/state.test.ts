import { decodeDefinition, decodeOp } from './encode';
import { diff } from './diff';
import { marshal } from './marshal';
import { merge } from './merge';
import { CacheSharing, MountType } from './pb-types';
import { State } from './state';
import { validateDefinition } from './validate';

const base = () => State.image('python:3.11-slim');

describe('State', () => {
  it('is immutable: env/dir/user return new states', () => {
    const a = base();
    const b = a.env('A', '1').dir('app').user('nobody');
    expect(a.meta.env).toEqual([]);
    expect(a.meta.dir).toBe('/');
    expect(b.meta.dir).toBe('/app');
    expect(b.dir('sub').meta.dir).toBe('/app/sub');
    expect(b.env('A', '2').env('B', '3').meta.env).toEqual([
      ['A', '2'],
      ['B', '3'],
    ]);
    expect(b.getEnv('A')).toBe('1');
  });

  it('marshals an image as its source op plus a terminal op', () => {
    const m = marshal(State.image('alpine'));
    expect(m.ops).toHaveLength(1);
    expect(m.result).toBe('sha256:665ba8b2cdc0cb0200e2a42a6b3c0f8f684089f4cd1b81494fbb9805879120f7');
    const def = decodeDefinition(m.definition);
    expect(def.def).toHaveLength(2);
    expect(decodeOp(def.def[1])).toEqual({ inputs: [{ digest: m.result }] });
    expect(def.metadata?.[m.terminal]?.caps).toEqual({ constraints: true, platform: true });
    expect(def.metadata?.[m.result]?.description).toEqual({ 'llb.customname': 'docker-image://docker.io/library/alpine:latest' });
  });

  it('refuses to marshal scratch', () => {
    expect(() => marshal(State.scratch())).toThrow(/scratch/);
  });

  it('lays out exec mounts like Go: sorted by dest, deduped inputs, outputs only for writable binds', () => {
    const ctx = State.local('context', { sessionId: 's1', sharedKeyHint: 'context', exclude: ['.git'] });
    const st = base().env('PATH', '/usr/bin').dir('/src');
    const ex = st.run({
      args: ['/bin/sh', '-c', 'make'],
      env: { X: '1' },
      mounts: [
        { type: 'cache', dest: '/root/.cache/pip', id: 'pip', sharing: 'shared' },
        { type: 'bind', dest: '/src', from: ctx, readonly: true },
        { type: 'bind', dest: '/out', from: State.scratch() },
        { type: 'bind', dest: '/ctx2', from: ctx, selector: '/sub' },
        { type: 'secret', dest: '/run/secrets/tok', id: 'tok' },
        { type: 'tmpfs', dest: '/tmp', size: 1024 },
      ],
      network: 'none',
    });
    const m = marshal(ex.mount('/out'));
    validateDefinition(m.definition);
    const exec = m.ops.find((o) => o.kind === 'exec')!;
    expect(exec.op.inputs).toHaveLength(2); // image + context, context used twice
    const mounts = exec.op.exec!.mounts;
    expect(mounts.map((x) => x.dest)).toEqual(['/', '/ctx2', '/out', '/root/.cache/pip', '/run/secrets/tok', '/src', '/tmp']);
    expect(mounts.map((x) => x.output)).toEqual([0, 1, 2, -1, -1, -1, -1]);
    expect(mounts.map((x) => x.input)).toEqual([0, 1, -1, -1, -1, 1, -1]);
    expect(mounts[3]).toMatchObject({ mountType: MountType.CACHE, cacheOpt: { ID: 'pip', sharing: CacheSharing.SHARED } });
    expect(mounts[4]).toMatchObject({ mountType: MountType.SECRET, secretOpt: { ID: 'tok', mode: 0o400 } });
    expect(exec.op.exec!.meta).toMatchObject({ env: ['PATH=/usr/bin', 'X=1'], cwd: '/src', removeMountStubsRecursive: true });
    expect(exec.op.exec!.network).toBe(2);
    expect(exec.op.platform).toEqual({ Architecture: 'amd64', OS: 'linux' });
    expect(m.ops[m.ops.length - 1].digest).toBe(exec.digest);
    const local = m.ops.find((o) => o.op.source?.identifier === 'local://context')!;
    expect(local.op.platform).toBeUndefined();
    expect(local.op.source!.attrs).toEqual({ 'local.excludepatterns': '[".git"]', 'local.session': 's1', 'local.sharedkeyhint': 'context' });
  });

  it('chains file actions with N+j indices and one output', () => {
    const other = State.image('alpine');
    const st = base()
      .dir('/app')
      .file([
        { action: 'mkdir', path: 'data', mode: 0o755, parents: true },
        { action: 'copy', from: other, src: '/etc/os-release', dest: 'data/' },
        { action: 'mkfile', path: '/x', data: 'hi', mode: 0o644 },
        { action: 'rm', path: '/y', allowNotFound: true },
      ]);
    const m = marshal(st);
    validateDefinition(m.definition);
    const file = m.ops.find((o) => o.kind === 'file')!;
    const actions = file.op.file!.actions;
    expect(actions.map((a) => [a.input, a.secondaryInput, a.output])).toEqual([
      [0, -1, -1],
      [2, 1, -1],
      [3, -1, -1],
      [4, -1, 0],
    ]);
    expect(actions[0].mkdir!.path).toBe('/app/data');
    expect(actions[1].copy).toMatchObject({ src: '/etc/os-release', dest: '/app/data', mode: -1, timestamp: -1 });
    expect(file.name).toBe('mkdir data, copy /etc/os-release data/, mkfile /x, rm /y');
    expect(file.op.platform).toBeUndefined();
  });

  it('keeps merge inputs positional and never deduplicates them', () => {
    const b = base();
    const l1 = diff(b, b.run({ args: ['touch', '/1'] }).root);
    const m = marshal(merge([b, l1, l1]));
    validateDefinition(m.definition);
    const op = m.ops[m.ops.length - 1].op;
    expect(op.inputs).toHaveLength(3);
    expect(op.merge!.inputs).toEqual([{ input: 0 }, { input: 1 }, { input: 2 }]);
  });

  it('diffs with lower first and upper second; Diff(scratch, x) is x', () => {
    const b = base();
    const up = b.run({ args: ['true'] }).root;
    const m = marshal(diff(b, up, { name: 'layer' }));
    const d = m.ops[m.ops.length - 1];
    expect(d.kind).toBe('diff');
    expect(d.op.inputs!.map((i) => i.digest)).toEqual([m.ops[0].digest, m.ops[1].digest]);
    expect(d.op.diff).toEqual({ lower: { input: 0 }, upper: { input: 1 } });
    expect(diff(State.scratch(), up)).toBe(up);
  });

  it('dedupes identical ops by digest and produces identical bytes every run', () => {
    const build = () => {
      const b = base();
      const x = b.run({ args: ['echo', 'x'] }).root;
      const y = base().run({ args: ['echo', 'x'] }).root; // same op from fresh objects
      return marshal(merge([b, diff(b, x), diff(b, y)]));
    };
    const first = build();
    expect(first.ops.filter((o) => o.kind === 'exec')).toHaveLength(1);
    expect(first.ops.filter((o) => o.kind === 'source')).toHaveLength(1);
    expect(Buffer.from(build().definition).equals(Buffer.from(first.definition))).toBe(true);
  });

  it('sets constraints on every op and ignore_cache when asked', () => {
    const m = marshal(base().run({ args: ['true'] }).root, { ignoreCache: true });
    for (const o of m.ops) expect(o.op.constraints).toEqual({});
    const md = decodeDefinition(m.definition).metadata!;
    expect(md[m.result].ignore_cache).toBe(true);
    expect(md[m.result].description).toEqual({ 'llb.customname': 'true' });
  });
});
