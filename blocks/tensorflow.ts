/**
 * tensorflow: installs the TensorFlow package of the resolved compatibility row (CPU or GPU package, the
 * version that fixes the CUDA/cuDNN base) in its own framework stage, before the other requirements.
 */
import type { Block } from './support/block';
import { frameworkLines, lineRequests, TF_PACKAGES } from './support/frameworks';
import { pipCacheMount, pipEnv, pipInstall, userIndexArgs, findLinksMount } from './support/pip';
import { exec, stage } from './support/stage';

export const tensorflow: Block = {
  name: 'tensorflow',
  detect: (project) => frameworkLines(project, TF_PACKAGES).length > 0,
  dependencies: (project) => lineRequests(frameworkLines(project, TF_PACKAGES), 'tensorflow'),
  plan(ctx, plan) {
    const tf = ctx.resolution.tensorflow;
    if (!tf) return;
    plan.addStage(
      'framework',
      stage({
        id: 'framework:tensorflow',
        name: `${tf.package} ${tf.version}`,
        block: 'tensorflow',
        // on torch when both are planned; like torch, built from python alone (not on the apt layer)
        source: plan.below({ stack: true }),
        independentOf: ['system'],
        env: pipEnv(),
        operations: [
          exec([...pipInstall(ctx.resolution.python), ...userIndexArgs(ctx), `${tf.package}==${tf.version}`], {
            mounts: [pipCacheMount(), ...findLinksMount(plan, ctx.project)],
          }),
        ],
        provides: ['tensorflow'],
      }),
    );
  },
};
