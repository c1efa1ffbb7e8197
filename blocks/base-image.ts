/** base-image: the runtime base the image starts from (chosen by the resolver) and the /src directory the app lives in. */
import type { Block } from './support/block';
import { stage } from './support/stage';

export const baseImage: Block = {
  name: 'base-image',
  detect: () => true,
  dependencies: () => [],
  plan(ctx, plan) {
    plan.addStage(
      'base',
      stage({
        id: 'base:base-image',
        name: 'prepare the base image',
        block: 'base-image',
        source: { type: 'image', ref: ctx.resolution.baseImage.runtime },
        operations: [{ op: 'mkdir', path: '/src', mode: 0o755, parents: true }],
        provides: ['base'],
      }),
    );
  },
};
