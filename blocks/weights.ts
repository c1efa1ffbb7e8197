/**
 * weights: model weights (declared, or files at least the size threshold) in one stage built from
 * scratch, so its layer depends only on the weight files: code edits never re-push gigabytes, and the
 * source stage leaves these paths out.
 */
import type { Block } from './support/block';
import { stage } from './support/stage';

export const weights: Block = {
  name: 'weights',
  detect: (project) => project.weights.length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const w = ctx.project.weights;
    plan.addContext('weights', { path: '.', exclude: [], include: w.map((x) => x.path) });
    plan.addStage('weights', stage({
      id: 'weights:weights',
      name: `weights (${w.length} path${w.length === 1 ? '' : 's'})`,
      block: 'weights',
      source: { type: 'scratch' },
      operations: w.map((x) => ({
        op: 'copy' as const,
        from: { type: 'context' as const, name: 'weights' },
        src: `/${x.path}`,
        dest: x.target,
        include: [],
        exclude: [],
        // a directory's contents become the target directory; a file is copied to the target path
        contents_only: x.isDir,
      })),
      provides: ['weights'],
    }));
  },
};
