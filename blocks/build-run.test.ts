import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const yaml = (env: string) =>
  `build:\n  python_version: "3.11"\n  run:\n    - echo one\n    - command: cat /run/secrets/tok\n      mounts:\n        - type: secret\n          id: tok\n          target: /run/secrets/tok\n${env}run: "predict.py:Predictor"\n`;

describe('build-run block', () => {
  it('one exec per command, secrets by id only, as a diff layer (deletions kept)', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': yaml('') }));
    const s = stageOf(plan, 'build-run:build-run')!;
    expect(s.layer).toBe('diff');
    expect(s.operations.map((o) => o.op === 'exec' && o.args)).toEqual([
      ['/bin/sh', '-c', 'echo one'],
      ['/bin/sh', '-c', 'cat /run/secrets/tok'],
    ]);
    expect(plan.secrets).toEqual(['tok']);
  });

  it('the commands see the cog.yaml environment (cog puts its ENV line before build.run); no other stage does', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': yaml('environment:\n  - MODEL_CACHE=/opt/models\n') }));
    expect(stageOf(plan, 'build-run:build-run')!.env).toEqual({ MODEL_CACHE: '/opt/models' });
    const others = [...plan.export_phases].flatMap((p) => p.stages).filter((s) => s.id !== 'build-run:build-run');
    for (const s of others) expect(s.env).not.toHaveProperty('MODEL_CACHE');
    expect(plan.export.env.MODEL_CACHE).toBe('/opt/models');
  });
});

describe('build-run: Dockerfile RUN flags at the start of a command (cog pastes commands after RUN)', () => {
  const withRun = (lines: string[]) =>
    tempProject({
      'cog.yaml': `build:\n  python_version: "3.11"\n  run:\n${lines.map((l) => `    - ${JSON.stringify(l)}`).join('\n')}\nrun: "predict.py:Predictor"\n`,
    });

  it('honours cache, secret and tmpfs mounts by the Dockerfile defaults, and strips them from the shell command', async () => {
    const plan = await planOf(
      withRun([
        '--mount=type=cache,target=/root/.cache/pip pip download six',
        '--mount=type=secret,id=hf_token --mount=type=cache,target=/models/,id=hf,sharing=locked sh -c "cat /run/secrets/hf_token"',
        '--mount=type=secret,target=/etc/tok,required=true --mount=type=tmpfs,target=/scratch,size=64m ls /scratch',
      ]),
    );
    const ops = stageOf(plan, 'build-run:build-run')!.operations;
    expect(ops.map((o) => o.op === 'exec' && o.args[2])).toEqual(['pip download six', 'sh -c "cat /run/secrets/hf_token"', 'ls /scratch']);
    expect(ops.map((o) => o.op === 'exec' && o.mounts)).toEqual([
      [{ type: 'cache', target: '/root/.cache/pip', id: '/root/.cache/pip', sharing: 'shared' }],
      [
        { type: 'secret', target: '/run/secrets/hf_token', id: 'hf_token', required: false },
        { type: 'cache', target: '/models', id: 'hf', sharing: 'locked' },
      ],
      [
        { type: 'secret', target: '/etc/tok', id: 'tok', required: true },
        { type: 'tmpfs', target: '/scratch', size: 64 << 20 },
      ],
    ]);
    expect(plan.secrets).toEqual(['hf_token', 'tok']);
  });

  it('a {command, mounts} entry keeps its listed secrets and adds the leading flags', async () => {
    const dir = tempProject({
      'cog.yaml':
        'build:\n  run:\n    - command: --mount=type=cache,target=/c echo hi\n      mounts:\n        - type: secret\n          id: s\n          target: /s\nrun: "predict.py:Predictor"\n',
    });
    const op = stageOf(await planOf(dir), 'build-run:build-run')!.operations[0];
    expect(op.op === 'exec' && [op.args[2], op.mounts.map((m) => m.type)]).toEqual(['echo hi', ['secret', 'cache']]);
  });

  it.each([
    ['--mount=type=bind,target=/x ls', 'type=bind'],
    ['--mount=target=/x ls', 'type=bind'],
    ['--mount=type=ssh ssh-add -l', 'type=ssh'],
    ['--mount=type=cache,target=/c,uid=1000 ls', '"uid" is not supported'],
    ['--mount=type=cache ls', 'has no target'],
    ['--mount=type=cache,target=rel ls', 'not an absolute path'],
    ['--mount=type=cache,target=/c,sharing=all ls', 'sharing'],
    ['--mount=type=secret,id=a/b cat x', 'needs an id'],
    ['--mount=type=cache,target=/c', 'no command'],
    ['--security=insecure ls', 'RUN flag --security'],
  ])('%s is refused at its line (%s)', async (line, why) => {
    const err = await planOf(withRun(['echo ok', line])).then(
      () => undefined,
      (e: unknown) => e as { code: string; line: number; message: string },
    );
    expect(err).toMatchObject({ code: 'E_RUN_MOUNT', line: 5 });
    expect(err!.message).toContain(why);
  });
});
