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
  return (
    path
      .toLowerCase()
      .replace(/[^a-z0-9._+-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'weights'
  );
}

/**
 * One distinct detail per path, in order: the slug, or on a clash (`a b` and `a-b`, `A.bin` and `a.bin`)
 * the slug with the first free `-N`. Checking against every detail already taken, not only the slug, keeps
 * them unique even when a path is itself spelled like a suffixed one (`a-b-2`).
 */
export function uniqueDetails(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const base = slug(p);
    let detail = base;
    for (let n = 2; used.has(detail); n++) detail = `${base}-${n}`;
    used.add(detail);
    return detail;
  });
}

export const weights: Block = {
  name: 'weights',
  detect: (project) => project.weights.length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const details = uniqueDetails(ctx.project.weights.map((w) => w.path));
    ctx.project.weights.forEach((w, i) => {
      const detail = details[i];
      const context = `weights-${detail}`;
      plan.addContext(context, { path: '.', exclude: [], include: [literalGlob(w.path)] });
      plan.addStage(
        'weights',
        stage({
          id: `weights:weights:${detail}`,
          name: `weights ${w.path} → ${w.target}`,
          block: 'weights',
          source: { type: 'scratch' },
          operations: [
            {
              op: 'copy',
              from: { type: 'context', name: context },
              src: `/${literalGlob(w.path)}`,
              dest: w.target,
              include: [],
              exclude: [],
              // a directory's contents become the target directory; a file is copied to the target path
              contents_only: w.isDir,
            },
          ],
          provides: [`weights:${w.path}`],
        }),
      );
    });
  },
};
