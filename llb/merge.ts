/** Merge ops: stack states bottom → top; Op.inputs order IS the layer order (v0.13 ignores MergeInput). */
import { InternalError } from '../src/errors';
import type { PbOp } from './pb-types';
import type { State } from './state';
import type { Output, Vertex } from './vertex';

class MergeVertex implements Vertex {
  readonly kind = 'merge' as const;
  readonly caps = ['mergeop'] as const;
  constructor(
    readonly inputs: readonly Output[],
    readonly name: string,
  ) {}

  body(): Omit<PbOp, 'inputs' | 'constraints'> {
    // Never deduplicated or reordered: index i is always position i.
    return { merge: { inputs: this.inputs.map((_, i) => ({ input: i })) } };
  }
}

/** Like Go's llb.Merge: scratch inputs are dropped; one input left is returned as is, none gives scratch. */
export function merge(states: readonly State[], opts: { name?: string } = {}): State {
  const real = states.filter((s) => !s.isScratch);
  if (states.length === 0) throw new InternalError('E_LLB_MERGE', 'merge of no states');
  if (real.length === 0) return states[0];
  if (real.length === 1) return real[0];
  const outputs = real.map((s) => s.output as Output);
  const vertex = new MergeVertex(outputs, opts.name ?? `merge ${outputs.length} layers`);
  return real[0].withOutput({ vertex, index: 0 });
}
