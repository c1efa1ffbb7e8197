/**
 * build-run: the cog.yaml build.run commands (strings or {command, mounts}) and the deprecated
 * build.pre_install, one exec each, after the dependencies and before weights and code (cog's order:
 * the commands cannot see the source). As in cog, the commands see the cog.yaml `environment` (e.g. a
 * cache directory they download into); editing it reruns only this stage, never the dependencies.
 * Secret mounts go to Plan.secrets by id only; a command's leading `--mount=` flags are mounts too
 * (planner/project/run-commands.ts), as they are in the Dockerfile cog writes.
 */
import type { Project } from '../planner/project';
import type { RunCommand } from '../planner/project/run-commands';
import type { Block } from './support/block';
import { exec, stage } from './support/stage';

function items(project: Project): RunCommand[] {
  return project.cog?.runCommands ?? [];
}

export const buildRun: Block = {
  name: 'build-run',
  detect: (project) => items(project).length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const ops = items(ctx.project).map(({ command, mounts }) => {
      for (const m of mounts) if (m.type === 'secret') plan.addSecret(m.id);
      return exec(['/bin/sh', '-c', command.trim()], { mounts });
    });
    plan.addStage(
      'build-run',
      stage({
        id: 'build-run:build-run',
        name: `build.run (${ops.length} command${ops.length === 1 ? '' : 's'})`,
        block: 'build-run',
        source: plan.below(),
        env: { ...ctx.project.environment },
        operations: ops,
        // user commands may delete files of the layers below (apt-get purge, rm -rf): keep deletions
        layer: 'diff',
      }),
    );
  },
};
