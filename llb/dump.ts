/** The readable, deterministic JSON view of marshalled ops that `cogpack llb --json` prints. */
import type { MarshalResult, MarshaledOp } from './marshal';
import type { OpKind } from './pb-types';
import { platformString } from './vertex';

export interface LlbDumpEntry {
  digest: string;
  kind: OpKind;
  inputs: { digest: string; index: number }[];
  platform: string | null;
  description: string;
}

function entry(o: MarshaledOp): LlbDumpEntry {
  return {
    digest: o.digest,
    kind: o.kind,
    inputs: (o.op.inputs ?? []).map((i) => ({ digest: i.digest, index: i.index ?? 0 })),
    platform: platformString(o.op.platform),
    description: o.name,
  };
}

/** Ops in definition order (inputs first); the terminal op is not a vertex and is left out. */
export function dumpOps(m: MarshalResult): LlbDumpEntry[] {
  return m.ops.map(entry);
}
