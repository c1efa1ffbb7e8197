/**
 * Structural checks on a marshalled Definition before it is sent: BuildKit v0.13 hardly validates LLB and
 * some malformed ops (a DiffOp without upper, an out-of-range index) panic the whole Docker daemon.
 */
import { InternalError } from '../src/errors';
import { decodeDefinition, decodeOp, sha256Digest } from './encode';
import { opKind, type PbOp } from './pb-types';
import { checkDiff, checkExec, checkFile, checkMerge, checkSource, outputCount } from './validate-ops';

function fail(message: string): never {
  throw new InternalError('E_LLB_INVALID', `invalid LLB: ${message}`, { hint: 'this is a cogpack bug; please report it with `cogpack llb --json`' });
}

function decodeAll(bytes: Uint8Array): { ops: PbOp[]; digests: string[]; metadataKeys: string[] } {
  try {
    const def = decodeDefinition(bytes);
    const ops = (def.def ?? []).map((d) => decodeOp(d));
    const digests = (def.def ?? []).map((d) => sha256Digest(d));
    return { ops, digests, metadataKeys: Object.keys(def.metadata ?? {}) };
  } catch (e) {
    if (e instanceof InternalError) throw e;
    return fail(`cannot decode: ${(e as Error).message}`);
  }
}

function checkInputs(op: PbOp, at: number, outputsOf: Map<string, number>): void {
  for (const [i, input] of (op.inputs ?? []).entries()) {
    const count = outputsOf.get(input.digest);
    if (count === undefined) fail(`op ${at} input ${i} refers to ${input.digest || '""'}, which is not an earlier op`);
    const index = input.index ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      fail(`op ${at} input ${i} asks for output ${index} of an op with ${count} output(s)`);
    }
  }
}

function checkOp(op: PbOp, at: number): number {
  const kind = opKind(op);
  if (kind === undefined) fail(`op ${at} has no operation; only the last op may be a terminal op`);
  const n = op.inputs?.length ?? 0;
  const where = `op ${at} (${kind})`;
  switch (kind) {
    case 'source':
      checkSource(op, n, where);
      break;
    case 'exec':
      checkExec(op, n, where);
      break;
    case 'file':
      checkFile(op, n, where);
      break;
    case 'merge':
      checkMerge(op, n, where);
      break;
    case 'diff':
      checkDiff(op, n, where);
      break;
    default: {
      const never: never = kind;
      fail(`unknown op kind ${String(never)}`);
    }
  }
  if (op.platform && (!op.platform.OS || !op.platform.Architecture)) fail(`${where} has a platform without OS or architecture`);
  return outputCount(op);
}

function checkTerminal(op: PbOp, at: number, outputsOf: Map<string, number>): void {
  if (opKind(op) !== undefined || op.platform || op.constraints) fail(`the last op must be a terminal op with only inputs`);
  if ((op.inputs ?? []).length !== 1) fail(`the terminal op must have exactly one input, has ${(op.inputs ?? []).length}`);
  checkInputs(op, at, outputsOf);
}

/** Throws InternalError (E_LLB_INVALID) on the first problem; returns the number of ops checked. */
export function validateDefinition(bytes: Uint8Array): number {
  const { ops, digests, metadataKeys } = decodeAll(bytes);
  if (ops.length < 2) fail(`a definition needs at least one op and the terminal op, has ${ops.length} op(s)`);
  if (new Set(digests).size !== digests.length) fail('the same op appears twice');
  const outputsOf = new Map<string, number>();
  ops.forEach((op, at) => {
    if (at === ops.length - 1) return checkTerminal(op, at, outputsOf);
    checkInputs(op, at, outputsOf);
    outputsOf.set(digests[at], checkOp(op, at));
  });
  const known = new Set(digests);
  const stray = metadataKeys.find((k) => !known.has(k));
  if (stray) fail(`metadata for ${stray}, which is not an op of the definition`);
  return ops.length;
}
