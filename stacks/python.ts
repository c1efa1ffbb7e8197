/**
 * The python stack: any project with Python code or Python project files. It picks the blocks that
 * detect, sends all their dependency requests to the one resolver, then lets each block plan in registry
 * order against the shared Plan, and validates the result.
 */
import { BLOCKS, FRAMEWORKS } from '../blocks';
import type { BlockContext } from '../blocks/support/block';
import { Plan } from '../planner/plan';
import { projectFileExists } from '../planner/project/fs-safe';
import { resolve } from '../planner/resolver';
import { validatePlan } from '../planner/validate';
import type { Stack } from './stack';

const MARKERS = ['cog.yaml', 'pyproject.toml', 'requirements.txt', 'uv.lock', 'setup.py'];

export const pythonStack: Stack = {
  name: 'python',
  detect: (project) => project.tree.hasPython || MARKERS.some((f) => projectFileExists(project.dir, f)),
  plan(project, options) {
    const blocks = BLOCKS.filter((b) => b.detect(project, options));
    const requests = blocks.flatMap((b) => b.dependencies(project, options));
    const resolution = resolve(requests, { gpu: project.gpu, imageMap: options.imageMap, frameworks: FRAMEWORKS });
    const { build, runtime, packages } = resolution.baseImage;
    const plan = new Plan({ stack: 'python', baseImage: { build, runtime, metadata: { packages } } });
    plan.data.blocks = blocks.map((b) => b.name);
    plan.data.dependencies = resolution.dependencies;
    const warnings = [...project.warnings, ...resolution.warnings];
    const ctx: BlockContext = { project, resolution, options, warnings };
    for (const b of blocks) b.plan(ctx, plan);
    return { plan: validatePlan(plan.toData()), warnings };
  },
};
