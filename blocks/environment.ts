/**
 * environment: the cog.yaml `environment` (or [tool.cogpack] environment) goes into the image config,
 * never into a layer before the dependencies, so editing it rebuilds at most the build.run stage (which
 * sees it, as in cog). The deny-list is enforced when the project is read (planner/project/environment.ts).
 */
import type { Block } from './support/block';

export const environment: Block = {
  name: 'environment',
  detect: (project) => Object.keys(project.environment).length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    Object.assign(plan.data.export.env, ctx.project.environment);
  },
};
