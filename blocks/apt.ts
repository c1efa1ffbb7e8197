/**
 * apt: installs build.system_packages in one stage. The downloaded .debs and the package lists live in a
 * locked cache mount with a stable id (so rebuilds and parallel builds share it safely), outside the paths
 * the image keeps (support/apt-env.ts aptInstall: why the lists are reused and when they are refreshed);
 * apt's own lists dir, package caches and apt/dpkg logs are removed in the same exec so the layer holds only
 * the installed files. Python modules apt installs get hash-based pycs, so they stay valid in the squashed layer.
 */
import type { Project } from '../planner/project';
import type { Block } from './support/block';
import { APT_CACHE, APT_CLEAN, aptEnv, aptInstall } from './support/apt-env';
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
      source: cog
        ? cog.sourceOf(['build', 'system_packages'])
        : `pyproject.toml:${project.pyproject?.toolLine('system_packages')} tool.cogpack.system_packages`,
      requester: 'apt',
    }));
  },
  plan(ctx, plan) {
    const pkgs = packages(ctx.project);
    plan.addStage(
      'system',
      stage({
        id: 'system:apt',
        name: `apt-get install ${pkgs.join(' ')}`,
        block: 'apt',
        source: plan.below(),
        env: aptEnv(),
        operations: [
          shell([...aptInstall(pkgs.map(shq)), APT_CLEAN], { mounts: [{ type: 'cache', target: APT_CACHE, id: 'cogpack-apt-cache', sharing: 'locked' }] }),
        ],
        provides: ['apt', ...pkgs.map((p) => `apt:${p}`)],
      }),
    );
  },
};
