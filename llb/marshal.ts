/**
 * Walks a State's graph inputs-first, encodes each op once (deduplicated by digest), appends the terminal
 * op and writes the pb.Definition. The only producer of Definition bytes.
 */
import { InternalError } from '../src/errors';
import { encodeDefinition, encodeOp, sha256Digest } from './encode';
import type { OpKind, PbOp, PbOpMetadata } from './pb-types';
import type { State } from './state';
import type { Vertex } from './vertex';

export interface MarshaledOp {
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly op: PbOp;
  readonly kind: OpKind;
  readonly name: string;
}

export interface MarshalResult {
  /** marshalled pb.Definition */
  readonly definition: Uint8Array;
  /** every op except the terminal one, inputs before users */
  readonly ops: readonly MarshaledOp[];
  /** digest of the terminal op (inputs only) */
  readonly terminal: string;
  /** digest of the op the terminal op points at */
  readonly result: string;
  /** digest of any vertex of the graph (for mapping states such as stage layers to ops) */
  readonly vertexDigests: ReadonlyMap<Vertex, string>;
}

export interface MarshalOptions {
  /** OpMetadata.ignore_cache on every op (`--no-cache`) */
  ignoreCache?: boolean;
}

/** Post-order walk without recursion: deep chains (thousands of stages) must not overflow the stack. */
function postOrder(root: Vertex): Vertex[] {
  const order: Vertex[] = [];
  const seen = new Set<Vertex>();
  const stack: { v: Vertex; next: number }[] = [{ v: root, next: 0 }];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.v.inputs.length) {
      const child = top.v.inputs[top.next++].vertex;
      if (!seen.has(child)) {
        seen.add(child);
        stack.push({ v: child, next: 0 });
      }
    } else {
      order.push(top.v);
      stack.pop();
    }
  }
  return order;
}

function metadataFor(v: Vertex, opts: MarshalOptions): PbOpMetadata {
  const caps: Record<string, boolean> = { 'meta.description': true };
  for (const c of v.caps) caps[c] = true;
  if (opts.ignoreCache) caps['meta.ignorecache'] = true;
  return { ignore_cache: opts.ignoreCache, description: { 'llb.customname': v.name }, caps };
}

export function marshal(state: State, opts: MarshalOptions = {}): MarshalResult {
  if (!state.output) throw new InternalError('E_LLB_SCRATCH', 'cannot marshal scratch: the result has no op');
  const digests = new Map<Vertex, string>();
  const ops = new Map<string, MarshaledOp>();
  const metadata: Record<string, PbOpMetadata> = {};
  for (const v of postOrder(state.output.vertex)) {
    const inputs = v.inputs.map((o) => ({ digest: digests.get(o.vertex) as string, index: o.index }));
    const op: PbOp = { inputs, ...v.body(), constraints: {} };
    const bytes = encodeOp(op);
    const digest = sha256Digest(bytes);
    digests.set(v, digest);
    if (ops.has(digest)) continue;
    ops.set(digest, { digest, bytes, op, kind: v.kind, name: v.name });
    metadata[digest] = metadataFor(v, opts);
  }
  const result = digests.get(state.output.vertex) as string;
  const terminalBytes = encodeOp({ inputs: [{ digest: result, index: state.output.index }] });
  const terminal = sha256Digest(terminalBytes);
  metadata[terminal] = { caps: { constraints: true, platform: true } };
  const list = [...ops.values()];
  const definition = encodeDefinition({ def: [...list.map((o) => o.bytes), terminalBytes], metadata });
  return { definition, ops: list, terminal, result, vertexDigests: digests };
}
