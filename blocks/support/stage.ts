/** Small constructors shared by blocks so every stage and exec is spelled the same way (not a block: blocks may use it). */
import type { BelowSource, StageDraft } from '../../planner/plan';
import type { ExecOperation, Input, Mount, Operation, Stage } from '../../planner/plan-schema';

export interface StageSpec {
  id: string;
  name: string;
  block: string;
  /** `plan.below()` for a stage built on the phases below its own; scratch for a layer of its own */
  source: Input | BelowSource;
  /** earlier phases the stage does not need: `below()` skips them, and the validator allows it */
  independentOf?: string[];
  operations: Operation[];
  env?: Record<string, string>;
  dir?: string;
  provides?: string[];
  layer?: Stage['layer'];
}

export function stage(s: StageSpec): StageDraft {
  return {
    id: s.id,
    name: s.name,
    block: s.block,
    source: s.source,
    ...(s.independentOf?.length ? { independent_of: [...s.independentOf] } : {}),
    operations: s.operations,
    env: s.env ?? {},
    dir: s.dir ?? '/',
    provides: s.provides ?? [],
    // squash: one layer, and none of these stages delete files of the layers below
    layer: s.layer ?? 'squash',
  };
}

export function exec(args: string[], opts: { mounts?: Mount[]; env?: Record<string, string>; description?: string } = {}): ExecOperation {
  const op: ExecOperation = { op: 'exec', args, env: opts.env ?? {}, mounts: opts.mounts ?? [], network: 'sandbox' };
  if (opts.description) op.description = opts.description;
  return op;
}

/** `/bin/sh -c` with `set -eu`, lines joined so the plan stays readable. */
export function shell(lines: string[], opts: Parameters<typeof exec>[1] = {}): ExecOperation {
  return exec(['/bin/sh', '-c', ['set -eu', ...lines].join('\n')], opts);
}

/** Single-quotes a word for /bin/sh. */
export function shq(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
