/**
 * weights: model weights (declared, or files at least the size threshold), one stage per weight path,
 * each built from scratch out of a context holding only that path. A layer then depends only on its
 * own files: code edits never re-push gigabytes, and changing one checkpoint leaves the others cached.
 * The source stage leaves these paths out.
 */
import type { Block } from './support/block';
import { literalGlob } from './support/glob';
import { stage } from './support/stage';

/** A stage-id-safe detail for a path: `models/UNet v2.bin` → `models-unet-v2.bin`. */
export function slug(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9._+-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'weights';
}

export const weights: Block = {
  name: 'weights',
  detect: (project) => project.weights.length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const used = new Set<string>();
    ctx.project.weights.forEach((w, i) => {
      let detail = slug(w.path);
      if (used.has(detail)) detail = `${detail}-${i}`;
      used.add(detail);
      const context = `weights-${detail}`;
      plan.addContext(context, { path: '.', exclude: [], include: [literalGlob(w.path)] });
      plan.addStage('weights', stage({
        id: `weights:weights:${detail}`,
        name: `weights ${w.path} → ${w.target}`,
        block: 'weights',
        source: { type: 'scratch' },
        operations: [{
          op: 'copy',
          from: { type: 'context', name: context },
          src: `/${literalGlob(w.path)}`,
          dest: w.target,
          include: [],
          exclude: [],
          // a directory's contents become the target directory; a file is copied to the target path
          contents_only: w.isDir,
        }],
        provides: [`weights:${w.path}`],
      }));
    });
  },
};
