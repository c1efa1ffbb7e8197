/**
 * source: the project's code, copied last into /src from scratch (so its layer is independent of every
 * dependency layer), leaving out .git, __pycache__, .dockerignore/.cogignore patterns and the weights.
 */
import type { Block } from './support/block';
import { stage } from './support/stage';

export const source: Block = {
  name: 'source',
  detect: () => true,
  dependencies: () => [],
  plan(ctx, plan) {
    const exclude = [...ctx.project.excludes, ...ctx.project.weights.map((w) => w.path)];
    plan.addContext('source', { path: '.', exclude });
    plan.addStage('code', stage({
      id: 'code:source',
      name: 'copy the project into /src',
      block: 'source',
      source: { type: 'scratch' },
      operations: [{ op: 'copy', from: { type: 'context', name: 'source' }, src: '/', dest: '/src', include: [], exclude: [], contents_only: true }],
      provides: ['source'],
    }));
  },
};
