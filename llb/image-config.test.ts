import { DEFAULT_PATH, mergeImageConfig, planImageConfig } from './image-config';
import { samplePlan } from '../src/testing/sample-plan';

describe('planImageConfig', () => {
  it('takes env, cmd, workdir, labels and ports from the plan only', () => {
    expect(planImageConfig(samplePlan())).toEqual({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: ['PYTHONUNBUFFERED=1'],
        Cmd: ['python', '-m', 'cog.server.http'],
        WorkingDir: '/src',
        Labels: { 'org.cogpack.stack': 'python' },
        ExposedPorts: { '5000/tcp': {} },
      },
    });
  });
});

describe('mergeImageConfig', () => {
  const base = {
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8', 'PYTHONUNBUFFERED=0'],
      Cmd: ['python3'],
      Labels: { maintainer: 'x', 'org.cogpack.stack': 'old' },
      StopSignal: 'SIGINT',
      ExposedPorts: { '22/tcp': {} },
    },
    rootfs: { type: 'layers', diff_ids: ['sha256:1'] },
    history: [{ created_by: 'x' }],
  };

  it('keeps base env unless the plan overrides it, and unions labels and ports', () => {
    const out = mergeImageConfig(planImageConfig(samplePlan()), base);
    expect(out.config.Env).toEqual(['PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8', 'PYTHONUNBUFFERED=1']);
    expect(out.config.Cmd).toEqual(['python', '-m', 'cog.server.http']);
    expect(out.config.Labels).toEqual({ maintainer: 'x', 'org.cogpack.stack': 'python' });
    expect(out.config.ExposedPorts).toEqual({ '22/tcp': {}, '5000/tcp': {} });
    expect(out.config.StopSignal).toBe('SIGINT');
    expect(out.config.WorkingDir).toBe('/src');
    expect(out).not.toHaveProperty('rootfs');
    expect(out).not.toHaveProperty('history');
  });

  it('drops the base cmd when the plan sets an entrypoint, as Docker does', () => {
    const plan = { architecture: 'amd64', os: 'linux', config: { Entrypoint: ['/app'] } };
    expect(mergeImageConfig(plan, base).config.Cmd).toBeUndefined();
    expect(mergeImageConfig({ ...plan, config: {} }, base).config.Cmd).toEqual(['python3']);
  });

  it('adds the default PATH when neither side has one', () => {
    expect(mergeImageConfig(planImageConfig(samplePlan()), null).config.Env).toEqual([`PATH=${DEFAULT_PATH}`, 'PYTHONUNBUFFERED=1']);
  });

  it('gives the same JSON for the same inputs', () => {
    const a = JSON.stringify(mergeImageConfig(planImageConfig(samplePlan()), base));
    expect(JSON.stringify(mergeImageConfig(planImageConfig(samplePlan()), structuredClone(base)))).toBe(a);
  });
});
