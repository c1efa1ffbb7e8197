/**
 * uv: a uv.lock project installs exactly its lock with uv (from the uv image, mounted, never in a layer):
 * first every locked dependency without the project (its stage reads only pyproject.toml and uv.lock, so
 * code edits keep it cached), then the project itself without dependencies, from a writable copy.
 */
import { applyImageMap } from '../planner/image-map';
import type { Mount } from '../planner/plan-schema';
import type { DependencyRequest } from '../planner/resolver/types';
import tools from './data/tools.json';
import type { Block, BlockContext } from './support/block';
import { LOCKED_FRAMEWORK_PACKAGES } from './frameworks';
import { literalGlob } from './support/glob';
import { CONTEXT_MOUNT } from './support/pip';
import { shell, stage } from './support/stage';

const UV = '/cogpack/uv/uv';

function mounts(ctx: BlockContext, context: string): Mount[] {
  return [
    { type: 'bind', target: '/cogpack/uv', from: { type: 'image', ref: applyImageMap(tools.uv.image, ctx.options.imageMap) }, source: '/', readonly: true },
    { type: 'bind', target: CONTEXT_MOUNT, from: { type: 'context', name: context }, source: '/', readonly: true },
    { type: 'cache', target: '/root/.cache/uv', id: 'cogpack-uv-cache', sharing: 'shared' },
  ];
}

const UV_ENV = { UV_LINK_MODE: 'copy', UV_COMPILE_BYTECODE: '1', UV_PYTHON_DOWNLOADS: 'never', SOURCE_DATE_EPOCH: '0' };

export const uv: Block = {
  name: 'uv',
  detect: (project) => project.uvLock !== undefined,
  dependencies(project): DependencyRequest[] {
    const pkgs = project.uvLock?.packages ?? {};
    // a framework block that requests its own lock pins (torch) sends those; the rest are recorded with their pin
    return Object.entries(pkgs)
      .filter(([name]) => !LOCKED_FRAMEWORK_PACKAGES.includes(name))
      .map(([name, v]) => ({ kind: 'python-package' as const, name, constraint: `==${v}`, source: 'uv.lock', requester: 'uv' }));
  },
  plan(ctx, plan) {
    const py = ctx.resolution.python;
    const install = `${UV} pip install --system --break-system-packages --python python${py}`;
    plan.addContext('uv-lock', { path: '.', exclude: [], include: ['pyproject.toml', 'uv.lock'] });
    plan.addStage(
      'deps',
      stage({
        id: 'deps:uv',
        name: `uv: ${Object.keys(ctx.project.uvLock!.packages).length} locked packages`,
        block: 'uv',
        source: plan.below(),
        env: UV_ENV,
        operations: [
          shell(
            [
              `${UV} export --frozen --no-emit-project --no-hashes --project ${CONTEXT_MOUNT} -o /tmp/cogpack-uv.txt`,
              `${install} --no-deps -r /tmp/cogpack-uv.txt`,
              'rm -f /tmp/cogpack-uv.txt',
            ],
            { mounts: mounts(ctx, 'uv-lock') },
          ),
        ],
        provides: ['python-packages'],
      }),
    );
    if (!ctx.project.uvLock!.project) return;
    // the weights have their own layers: sending them again for the wheel build would also put them in the wheel
    const weights = ctx.project.weights.map((w) => literalGlob(w.path));
    plan.addContext('uv-project', { path: '.', exclude: [...ctx.project.excludes, ...weights] });
    plan.addStage(
      'code',
      stage({
        id: 'code:uv:project',
        name: `install the project ${ctx.project.uvLock!.project}`,
        block: 'uv',
        source: plan.below(),
        env: UV_ENV,
        operations: [
          shell(
            [
              `mkdir -p /tmp/cogpack-project && cp -a ${CONTEXT_MOUNT}/. /tmp/cogpack-project/`,
              `${install} --no-deps /tmp/cogpack-project`,
              'rm -rf /tmp/cogpack-project',
            ],
            { mounts: mounts(ctx, 'uv-project') },
          ),
        ],
        provides: ['project'],
      }),
    );
  },
};
