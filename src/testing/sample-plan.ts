/** Hand-written Plans for llb tests and the benchmark: a cog-like model image and an N-stage synthetic one. */
import { PlanSchema, type Mount, type PlanData, type Stage } from '../../planner/plan-schema';

const RUNTIME = 'docker.io/library/python:3.11-slim';

function stage(id: string, source: Stage['source'], operations: Stage['operations'], layer: Stage['layer'] = 'squash'): Stage {
  return { id, name: id, block: id.split(':')[1], source, operations, env: { DEBIAN_FRONTEND: 'noninteractive' }, dir: '/', provides: [], layer };
}

const sh = (cmd: string) => ['/bin/sh', '-c', cmd];

/** apt + pip + code stages on a python base, with a build phase that produces a venv. */
export function samplePlan(): PlanData {
  const aptCache = { type: 'cache' as const, target: '/var/cache/apt', id: 'cogpack-apt-cache', sharing: 'locked' as const };
  const pipCache = { type: 'cache' as const, target: '/root/.cache/pip', id: 'cogpack-pip-cache', sharing: 'shared' as const };
  const plan: PlanData = {
    version: 1,
    platform: { os: 'linux', arch: 'amd64' },
    stack: 'python',
    blocks: ['apt', 'pip', 'source'],
    dependencies: {},
    base_image: { build: RUNTIME, runtime: RUNTIME, metadata: { packages: { python: '3.11' } } },
    build_phases: [
      {
        name: 'build-deps',
        stages: [
          stage('build-deps:pip:wheels', { type: 'image', ref: RUNTIME }, [
            {
              op: 'copy',
              from: { type: 'context', name: 'source' },
              src: '/requirements.txt',
              dest: '/tmp/requirements.txt',
              include: [],
              exclude: [],
              contents_only: false,
            },
            {
              op: 'exec',
              args: sh('pip wheel -r /tmp/requirements.txt -w /wheels'),
              env: {},
              mounts: [pipCache],
              network: 'sandbox',
              description: 'build wheels',
            },
          ]),
        ],
      },
    ],
    export_phases: [
      {
        name: 'system',
        stages: [
          stage('system:apt', { type: 'image', ref: RUNTIME }, [
            { op: 'exec', args: sh('apt-get update && apt-get install -y ffmpeg'), env: {}, mounts: [aptCache], network: 'sandbox' },
            { op: 'rm', path: '/var/lib/apt/lists', allow_not_found: true },
          ]),
        ],
      },
      {
        name: 'deps',
        stages: [
          stage(
            'deps:pip',
            { type: 'phase', name: 'system' },
            [
              {
                op: 'exec',
                args: sh('pip install --no-index /wheels/*.whl'),
                env: { PIP_NO_CACHE_DIR: '1' },
                network: 'none',
                mounts: [
                  { type: 'bind', target: '/wheels', from: { type: 'stage', id: 'build-deps:pip:wheels' }, source: '/wheels', readonly: true },
                  { type: 'secret', target: '/run/secrets/pip-token', id: 'pip-token', required: false },
                  { type: 'tmpfs', target: '/tmp', size: 0 },
                ],
              },
            ],
            'diff',
          ),
        ],
      },
      {
        name: 'app',
        stages: [
          stage('app:source', { type: 'phase', name: 'deps' }, [
            { op: 'mkdir', path: '/src', mode: 0o755, parents: true },
            { op: 'copy', from: { type: 'context', name: 'source' }, src: '/', dest: '/src', include: [], exclude: ['.git'], contents_only: true },
            { op: 'mkfile', path: '/src/.cog-version', data: '0.1\n', mode: 0o644 },
            { op: 'symlink', target: '/src/predict.py', path: '/predict.py' },
          ]),
        ],
      },
    ],
    export: {
      tags: ['cogpack-sample:latest'],
      labels: { 'org.cogpack.stack': 'python' },
      entrypoint: [],
      cmd: ['python', '-m', 'cog.server.http'],
      env: { PYTHONUNBUFFERED: '1' },
      exposed_ports: ['5000/tcp'],
      working_dir: '/src',
      user: '',
    },
    contexts: { source: { path: '.', exclude: ['.git', '__pycache__'] } },
    secrets: ['pip-token'],
  };
  return PlanSchema.parse(plan);
}

/** `n` export stages each installing one thing on the previous phase, every third one in `diff` mode. */
export function syntheticPlan(n: number): PlanData {
  const plan = samplePlan();
  plan.export_phases = Array.from({ length: n }, (_, i) => ({
    name: `p${i}`,
    stages: [
      stage(
        `p${i}:synthetic:s${i}`,
        i === 0 ? { type: 'image', ref: RUNTIME } : { type: 'phase', name: `p${i - 1}` },
        [
          { op: 'exec', args: sh(`echo ${i} > /stage-${i}.txt`), env: {}, mounts: [], network: 'sandbox' },
          { op: 'mkfile', path: `/etc/stage-${i}`, data: `${i}\n`, mode: 0o644 },
        ],
        i % 3 === 0 ? 'diff' : 'squash',
      ),
    ],
  }));
  return plan;
}

/**
 * A plan a real daemon can build with no session (no contexts, no secrets), for integration tests of the
 * layering: `export:one` (squash, cache + tmpfs mounts, writes /one.txt = `marker`), `export:two` (diff mode on
 * phase `one`: deletes /etc/issue and copies a file from build stage `build:gen` via a bind mount: two execs →
 * two layers), `export:three` (squash on the base, independent of `marker`: mkfile + symlink). Expected image:
 * base layers + 4; changing `marker` changes layers one and two, never three. Solved on Docker 26.1.5 this way.
 */
export function daemonPlan(base: string, marker: string): PlanData {
  const s = (id: string, source: Stage['source'], operations: Stage['operations'], layer: Stage['layer']): Stage => ({
    id,
    name: id,
    block: 'test',
    source,
    operations,
    env: {},
    dir: '/',
    provides: [],
    layer,
  });
  const run = (cmd: string, mounts: Mount[] = []) => ({ op: 'exec' as const, args: sh(cmd), env: {}, mounts, network: 'none' as const });
  return PlanSchema.parse({
    version: 1,
    platform: { os: 'linux', arch: 'amd64' },
    stack: 'test',
    blocks: ['test'],
    dependencies: {},
    base_image: { build: base, runtime: base, metadata: { packages: {} } },
    build_phases: [
      { name: 'build', stages: [s('build:gen', { type: 'image', ref: base }, [run('mkdir -p /out && echo generated > /out/gen.txt')], 'squash')] },
    ],
    export_phases: [
      {
        name: 'one',
        stages: [
          s(
            'one:marker',
            { type: 'image', ref: base },
            [
              run(`echo ${marker} > /one.txt && test -d /scratch`, [
                { type: 'cache', target: '/var/cache/cogpack-test', id: 'cogpack-test-cache', sharing: 'locked' },
                { type: 'tmpfs', target: '/scratch', size: 1 << 20 },
              ]),
            ],
            'squash',
          ),
        ],
      },
      {
        name: 'two',
        stages: [
          s(
            'two:delete',
            { type: 'phase', name: 'one' },
            [
              run('rm /etc/issue && echo two > /two.txt'),
              run('cp /gen/gen.txt /gen-copy.txt', [
                { type: 'bind', target: '/gen', from: { type: 'stage', id: 'build:gen' }, source: '/out', readonly: true },
              ]),
            ],
            'diff',
          ),
        ],
      },
      {
        name: 'three',
        stages: [
          s(
            'three:files',
            { type: 'image', ref: base },
            [
              { op: 'mkfile', path: '/three.txt', data: 'three\n', mode: 0o644 },
              { op: 'symlink', target: '/three.txt', path: '/three-link' },
            ],
            'squash',
          ),
        ],
      },
    ],
    export: {
      tags: [],
      labels: { 'org.cogpack.test': 'daemon-plan' },
      entrypoint: [],
      cmd: ['cat', '/one.txt'],
      env: { COGPACK_TEST: '1' },
      exposed_ports: [],
      working_dir: '/',
      user: '',
    },
    contexts: {},
    secrets: [],
  });
}
