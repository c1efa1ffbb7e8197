/**
 * The resolver against the real daemon: the base images it picks, passed through the test image map
 * (COGPACK_IMAGE_MAP from `npm run buildkit:up`), exist there, and the CPU base provides the python it claims.
 */
import { spawnSync } from 'node:child_process';
import { describeWithDaemon, type DaemonEnv } from '../../src/testing';
import { loadImageMap } from '../image-map';
import { resolve } from './index';
import { options, py, torch } from './testing/requests';

function docker(env: DaemonEnv, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(env.COGPACK_DOCKER, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

describeWithDaemon('resolver base images on the real daemon', (env) => {
  const imageMap = loadImageMap([], env);

  test.each([
    ['CPU python 3.11', [py('3.11')], false, 'cogpack.local/debian-python:bookworm'],
    ['GPU default CUDA 11.8', [py('3.11')], true, 'cogpack.local/cuda-standin:bookworm'],
    ['GPU torch 2.3.1 → CUDA 12.1', [py('3.11'), torch('==2.3.1')], true, 'cogpack.local/cuda-standin:bookworm'],
    ['GPU torch 2.5.1 → CUDA 12.4', [py('3.11'), torch('==2.5.1')], true, 'cogpack.local/cuda-standin:bookworm'],
  ])('%s maps to an image the daemon has', (_name, requests, gpu, want) => {
    const r = resolve(requests, options(gpu, imageMap));
    expect(r.baseImage.build).toBe(want);
    const inspect = docker(env, ['image', 'inspect', '--format', '{{.Id}}', r.baseImage.build]);
    expect(inspect.stderr).toBe('');
    expect(inspect.stdout).toMatch(/^sha256:[0-9a-f]{64}/);
  });

  test('the CPU base really provides the python minor the resolution records', () => {
    const r = resolve([py('3.11')], options(false, imageMap));
    const run = docker(env, ['run', '--rm', r.baseImage.runtime, 'python3', '-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(r.baseImage.packages.python);
  });
});
