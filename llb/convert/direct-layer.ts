/**
 * Direct layers: a squash stage on scratch made only of copy/mkdir/mkfile operations is its own layer, its
 * operations applied to scratch with the squash mtime, instead of Copy(Diff(scratch, result)) (three ops and
 * three snapshots of the same bytes: the project, or gigabytes of weights, copied three times).
 *
 * What BuildKit v0.13's file ops stamp (measured on Docker 26.1, see llb/direct-layer.int.test.ts): every copied
 * or created entry gets the action's timestamp, and a copy's destination directory keeps it; but a directory
 * that MkdirAll creates (a copy's missing parents, a `mkdir -p`'s levels) is stamped before its entries are
 * created inside it, which sets its mtime to the time of the build. So the FileOp ends with one more action that
 * copies just those directories (same mode and owner, from a tiny mkdir-only state) over themselves: fsutil sets a
 * directory's metadata after walking it, so they end with the squash mtime. The layer's bytes are then those of
 * the Copy(Diff) squash (same entries, modes, owners, mtimes), and do not depend on when it was built.
 */
import * as path from 'path';
import type { CopyOperation, Stage } from '../../planner/plan-schema';
import type { FileActionSpec, Owner } from '../file';
import { State } from '../state';
import { fileAction, fileOpName, type FileOperation, type InputResolver } from './operations';

/** A directory the operations create the way MkdirAll does, with the mode and owner it gets. */
export interface MadeDir {
  mode: number;
  owner?: Owner;
}

/** `/a/b/c` → [`/a`, `/a/b`] (never `/`: the root is not a layer entry). */
function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) out.unshift(d);
  return out;
}

/** A copy whose entries are exactly one source path: no wildcard (several matches would add to the dest dir in turn), no include patterns (fsutil makes their parent dirs before their entries). */
function plainCopy(op: CopyOperation): boolean {
  return op.include.length === 0 && !/[*?[\\]/.test(op.src);
}

/**
 * The directories made by MkdirAll when this stage's operations run on scratch (mode and owner of their first
 * maker), or null when the stage does not have a direct layer's shape: source scratch, `squash`, one or more
 * operations, all plain copies, mkdirs and mkfiles, each writing at a path no earlier copy or mkfile wrote at or
 * above (so what every entry becomes is known). Decided by the stage's shape only, never by its block. Owners
 * need no /etc/passwd on scratch: the plan gives them as numbers (a chown by name would need a base's).
 */
export function directLayerDirs(stage: Stage): Map<string, MadeDir> | null {
  if (stage.source.type !== 'scratch' || stage.layer !== 'squash' || stage.operations.length === 0) return null;
  const made = new Map<string, MadeDir>();
  const written: string[] = [];
  const make = (dir: string, how: MadeDir) => {
    if (!made.has(dir)) made.set(dir, how);
  };
  for (const op of stage.operations) {
    if (op.op !== 'copy' && op.op !== 'mkdir' && op.op !== 'mkfile') return null;
    if (op.op === 'copy' && !plainCopy(op)) return null;
    const target = path.posix.resolve(stage.dir, op.op === 'copy' ? op.dest : op.path);
    if (written.some((w) => target === w || target.startsWith(`${w}/`))) return null;
    if (op.op === 'mkdir') {
      const how = { mode: op.mode };
      if (op.parents) ancestors(target).forEach((d) => make(d, how));
      make(target, how);
      continue;
    }
    // a copy onto a directory lands inside it, under a name the converter does not know
    if (made.has(target)) return null;
    if (op.op === 'copy') ancestors(target).forEach((d) => make(d, { mode: 0o755, owner: op.owner }));
    written.push(target);
  }
  return made;
}

/**
 * The stage's layer (and result): its operations as one FileOp on scratch, every action stamped with `mtime`,
 * then the restamp copy of the directories in `made`.
 */
export function directLayer(stage: Stage, made: ReadonlyMap<string, MadeDir>, inputs: InputResolver, mtime: number): State {
  const ops = stage.operations as FileOperation[];
  const actions: FileActionSpec[] = ops.map((op) => fileAction(op, inputs, mtime));
  const prefix = `[${stage.id}]`;
  if (made.size > 0) {
    // sorted paths list each parent before its children, so plain (non -p) mkdirs make the tree
    const dirs = [...made.keys()].sort();
    const tree = State.scratch().file(
      dirs.map((d) => ({ action: 'mkdir', path: d, mode: (made.get(d) as MadeDir).mode, owner: (made.get(d) as MadeDir).owner })),
      // not named `[stage] …`: BuildKit runs this tiny op again on every build (the layer's copy checksums its
      // output), and a stage counts as cached only when all its `[stage] …` steps were (summary.ts)
      { name: `parent dirs of ${prefix}: ${dirs.join(' ')}` },
    );
    actions.push({ action: 'copy', from: tree, src: '/', dest: '/', opts: { contentsOnly: true, followSymlink: false, timestamp: mtime } });
  }
  return State.scratch()
    .dir(stage.dir)
    .file(actions, { name: fileOpName(prefix, ops) });
}
