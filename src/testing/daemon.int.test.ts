import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithDaemon } from './daemon';
import { docker } from './docker-cli';
import { probeGrpcUpgrade } from './h2c-probe';
import localImages from './local-images.json';

const PYTHON = localImages.images.python.ref;

describeWithDaemon('the local daemon (npm run buildkit:up)', (env) => {
  it('uses the containerd image store (MergeOp/DiffOp need it)', () => {
    expect(docker(env, ['info', '--format', '{{json .DriverStatus}}'])).toContain('io.containerd.snapshotter');
  });

  it('answers POST /grpc with an h2c upgrade and HTTP/2 SETTINGS', async () => {
    if (!env.DOCKER_HOST.startsWith('unix://')) return;
    const probe = await probeGrpcUpgrade(env.DOCKER_HOST.slice('unix://'.length));
    expect(probe.statusLine).toMatch(/^HTTP\/1\.1 101 /);
    expect(probe.sentSettings).toBe(true);
  });

  it('runs python3 from the local base image', () => {
    expect(docker(env, ['run', '--rm', PYTHON, 'python3', '-c', 'import sys, venv, pip; print(sys.version_info[:2])']).trim()).toBe('(3, 11)');
  });

  it('builds FROM the local image with docker buildx (embedded BuildKit) and runs the result', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-bx-'));
    try {
      const marker = `built-${process.pid}`;
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${PYTHON}\nCOPY marker.txt /marker.txt\nCMD ["cat", "/marker.txt"]\n`);
      fs.writeFileSync(path.join(dir, 'marker.txt'), marker);
      docker(env, ['buildx', 'build', '--quiet', '-t', 'cogpack-test/bx-smoke:1', dir]);
      expect(docker(env, ['run', '--rm', 'cogpack-test/bx-smoke:1']).trim()).toBe(marker);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('has the CUDA stand-in sharing the python image layer, labelled as a stand-in', () => {
    const layers = (ref: string): string => docker(env, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]);
    expect(layers(localImages.cudaStandin.ref)).toBe(layers(PYTHON));
    const labels = JSON.parse(docker(env, ['image', 'inspect', '--format', '{{json .Config.Labels}}', localImages.cudaStandin.ref]));
    expect(labels['org.cogpack.stands-in-for']).toBe('nvidia/cuda');
  });
});
