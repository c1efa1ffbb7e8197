/** Diff ops: what changed from lower to upper, with Op.inputs in (lower, upper) order as v0.13 reads them. */
import type { PbOp } from './pb-types';
import type { State } from './state';
import type { Output, Vertex } from './vertex';

class DiffVertex implements Vertex {
  readonly kind = 'diff' as const;
  readonly caps = ['diffop'] as const;
  constructor(
    readonly inputs: readonly Output[],
    private readonly upperIndex: number,
    readonly name: string,
  ) {}

  body(): Omit<PbOp, 'inputs' | 'constraints'> {
    // Both lower and upper are always written: a DiffOp without `upper` panics dockerd 26.1.
    return { diff: { lower: { input: 0 }, upper: { input: this.upperIndex } } };
  }
}

/**
 * Diff(scratch, upper) is upper itself (as in Go), so a DiffOp always has a real lower at input 0;
 * Diff(lower, scratch) is a DiffOp with upper -1 (everything in lower deleted).
 */
export function diff(lower: State, upper: State, opts: { name?: string } = {}): State {
  if (!lower.output) return upper;
  const inputs: Output[] = [lower.output];
  if (upper.output) inputs.push(upper.output);
  const vertex = new DiffVertex(inputs, upper.output ? 1 : -1, opts.name ?? 'diff');
  return upper.withOutput({ vertex, index: 0 });
}
