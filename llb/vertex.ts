/** The graph node contract every op kind implements, and the platform cogpack builds for. */
import type { OpKind, PbOp, PbPlatform } from './pb-types';

/** One output of a vertex; a State points at one (or at nothing, for scratch). */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
}

/** An immutable LLB op without its input digests, which the marshaller fills from `inputs`. */
export interface Vertex {
  readonly kind: OpKind;
  /** Op.inputs in wire order; merge and diff rely on this order (BuildKit v0.13 reads them positionally) */
  readonly inputs: readonly Output[];
  /** `llb.customname`, the name shown in progress output */
  readonly name: string;
  /** OpMetadata.caps this op needs */
  readonly caps: readonly string[];
  /** the op fields other than `inputs` and `constraints` */
  body(): Omit<PbOp, 'inputs' | 'constraints'>;
}

export const LINUX_AMD64: PbPlatform = Object.freeze({ Architecture: 'amd64', OS: 'linux' });

/** `linux/amd64` for dumps and names. */
export function platformString(p: PbPlatform | undefined): string | null {
  if (!p) return null;
  return [p.OS, p.Architecture, p.Variant].filter(Boolean).join('/');
}

/** Same vertex and index: Go dedupes exec/file inputs on this identity. */
export function sameOutput(a: Output, b: Output): boolean {
  return a.vertex === b.vertex && a.index === b.index;
}

/** Appends `out` to `list` unless present; returns its position. */
export function inputIndex(list: Output[], out: Output): number {
  const at = list.findIndex((o) => sameOutput(o, out));
  if (at >= 0) return at;
  list.push(out);
  return list.length - 1;
}
