/**
 * tensorflow: installs the TensorFlow package of the resolved compatibility row (CPU or GPU package, the
 * version that fixes the CUDA/cuDNN base) in its own framework stage, before the other requirements.
 */
import { TF_NAMES, tensorflowFramework } from '../planner/resolver/tensorflow';
import type { FrameworkBlock } from './support/block';
import { frameworkLines, frameworkStage, lineRequests } from './support/frameworks';

export const tensorflow: FrameworkBlock = {
  name: 'tensorflow',
  framework: tensorflowFramework,
  detect: (project) => frameworkLines(project, TF_NAMES).length > 0,
  dependencies: (project) => lineRequests(frameworkLines(project, TF_NAMES), 'tensorflow'),
  plan(ctx, plan) {
    const tf = ctx.resolution.frameworks.tensorflow;
    if (!tf) return;
    const [pkg] = Object.keys(tf.packages);
    // on torch when both are planned; like torch, built from python alone (not on the apt layer)
    frameworkStage(ctx, plan, { block: 'tensorflow', name: `${pkg} ${tf.version}`, choice: tf, stack: true, provides: ['tensorflow'] });
  },
};
