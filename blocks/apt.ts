/**
 * apt: installs build.system_packages in one stage. The downloaded .debs live in a locked cache mount
 * with a stable id (so rebuilds and parallel builds share it safely), in a directory of its own so the
 * base image's docker-clean hook cannot empty it; package lists, apt's package caches (pkgcache.bin and
 * srcpkgcache.bin, ~75 MB, rebuilt by apt-get update anyway) and apt/dpkg logs are removed in the same
 * exec so the layer holds only the installed files. Python modules apt installs get hash-based pycs, so
 * they stay valid in the squashed layer.
 */
import type { Project } from '../planner/project';
import type { Block } from './support/block';
import { APT_CLEAN, aptEnv } from './support/apt-env';
import { shell, shq, stage } from './support/stage';

function packages(project: Project): string[] {
  return [...new Set(project.cog?.data.build?.system_packages ?? project.pyproject?.tool.system_packages ?? [])].sort();
}

export const apt: Block = {
  name: 'apt',
  detect: (project) => packages(project).length > 0,
  dependencies(project) {
    const cog = project.cog;
    return packages(project).map((name) => ({
      kind: 'system' as const,
      name,
      constraint: '',
      source: cog ? cog.sourceOf(['build', 'system_packages']) : `pyproject.toml:${project.pyproject?.toolLine('system_packages')} tool.cogpack.system_packages`,
      requester: 'apt',
    }));
  },
  plan(ctx, plan) {
    const pkgs = packages(ctx.project);
    const archives = '/var/cache/cogpack-apt/archives';
    plan.addStage(
      'system',
      stage({
        id: 'system:apt',
        name: `apt-get install ${pkgs.join(' ')}`,
        block: 'apt',
        source: plan.below(),
        env: aptEnv(),
        operations: [
          shell(
            [
              `mkdir -p ${archives}/partial`,
              'apt-get update',
              `apt-get install -y --no-install-recommends -o Dir::Cache::Archives=${archives}/ ${pkgs.map(shq).join(' ')}`,
              APT_CLEAN,
            ],
            { mounts: [{ type: 'cache', target: '/var/cache/cogpack-apt', id: 'cogpack-apt-cache', sharing: 'locked' }] },
          ),
        ],
        provides: ['apt', ...pkgs.map((p) => `apt:${p}`)],
      }),
    );
  },
};
