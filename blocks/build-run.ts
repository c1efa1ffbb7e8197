/**
 * build-run: the cog.yaml build.run commands (strings or {command, mounts}) and the deprecated
 * build.pre_install, one exec each, after the dependencies and before weights and code (cog's order:
 * the commands cannot see the source). As in cog, the commands see the cog.yaml `environment` (e.g. a
 * cache directory they download into); editing it reruns only this stage, never the dependencies.
 * Secret mounts go to Plan.secrets by id only.
 */
import type { RunItem } from '../planner/project/cog-yaml-schema';
import type { Project } from '../planner/project';
import type { Block } from './support/block';
import { exec, stage } from './support/stage';

function items(project: Project): RunItem[] {
  const b = project.cog?.data.build;
  const run = typeof b?.run === 'string' ? [b.run] : (b?.run ?? []);
  return [...run, ...(b?.pre_install ?? [])];
}

export const buildRun: Block = {
  name: 'build-run',
  detect: (project) => items(project).length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const ops = items(ctx.project).map((item) => {
      const command = typeof item === 'string' ? item : item.command;
      const secrets = typeof item === 'string' ? [] : (item.mounts ?? []);
      for (const s of secrets) plan.addSecret(s.id);
      return exec(['/bin/sh', '-c', command.trim()], {
        mounts: secrets.map((s) => ({ type: 'secret' as const, target: s.target, id: s.id, required: true })),
      });
    });
    plan.addStage('build-run', stage({
      id: 'build-run:build-run',
      name: `build.run (${ops.length} command${ops.length === 1 ? '' : 's'})`,
      block: 'build-run',
      source: plan.below(),
      env: { ...ctx.project.environment },
      operations: ops,
      // user commands may delete files of the layers below (apt-get purge, rm -rf): keep deletions
      layer: 'diff',
    }));
  },
};
