/**
 * source: the project's code, copied last into /src from scratch (so its layer is independent of every
 * dependency layer), leaving out .git, __pycache__, .dockerignore/.cogignore patterns, the weights and
 * the local wheels/sdists/--find-links directories pip already installed from.
 */
import type { Block } from './support/block';
import { literalGlob } from './support/glob';
import { isArchive } from './support/pip';
import { stage } from './support/stage';

export const source: Block = {
  name: 'source',
  detect: () => true,
  dependencies: () => [],
  plan(ctx, plan) {
    // wheels/sdists pip installed from (and --find-links dirs) are already in a layer as packages
    const r = ctx.project.requirements;
    const archives = r.requirements.filter((q) => q.local && isArchive(q.local)).map((q) => q.local!);
    const findLinks = r.findLinks.filter((f) => f.local && f.value !== '.').map((f) => f.value);
    const literal = [...ctx.project.weights.map((w) => w.path), ...new Set([...archives, ...findLinks].sort())].map(literalGlob);
    // the user's ignore patterns stay patterns; the paths cogpack adds must match only themselves
    const exclude = [...ctx.project.excludes, ...literal];
    plan.addContext('source', { path: '.', exclude });
    plan.addStage(
      'code',
      stage({
        id: 'code:source',
        name: 'copy the project into /src',
        block: 'source',
        source: { type: 'scratch' },
        operations: [{ op: 'copy', from: { type: 'context', name: 'source' }, src: '/', dest: '/src', include: [], exclude: [], contents_only: true }],
        provides: ['source'],
      }),
    );
  },
};
