/** Per-kind structural rules for validateDefinition (index ranges, required fields, positional inputs). */
import { InternalError } from '../src/errors';
import { MountType, type PbFileAction, type PbOp } from './pb-types';

function fail(message: string): never {
  throw new InternalError('E_LLB_INVALID', `invalid LLB: ${message}`, { hint: 'this is a cogpack bug; please report it with `cogpack llb --json`' });
}

const idx = (v: number | undefined): number => v ?? 0;

/** An input index: -1 (scratch) or an Op.inputs position. */
function checkIndex(value: number | undefined, n: number, what: string): void {
  const v = idx(value);
  if (!Number.isInteger(v) || v < -1 || v >= n) fail(`${what} is ${v}, must be -1 or 0..${n - 1}`);
}

const SOURCE_SCHEMES = ['docker-image://', 'local://', 'git://', 'https://', 'http://', 'oci-layout://'];

export function checkSource(op: PbOp, n: number, where: string): void {
  const id = op.source?.identifier ?? '';
  if (!SOURCE_SCHEMES.some((s) => id.startsWith(s) && id.length > s.length)) fail(`${where} has identifier "${id}"`);
  if (n !== 0) fail(`${where} must have no inputs`);
}

export function checkExec(op: PbOp, n: number, where: string): void {
  const exec = op.exec!;
  if (!exec.meta || (exec.meta.args ?? []).length === 0) fail(`${where} has no args`);
  const mounts = exec.mounts ?? [];
  if (!mounts.some((m) => m.dest === '/')) fail(`${where} has no root mount`);
  const outputs = new Set<number>();
  for (const m of mounts) {
    if (!m.dest?.startsWith('/')) fail(`${where} mount dest "${m.dest}" is not absolute`);
    checkIndex(m.input, n, `${where} mount ${m.dest} input`);
    const type = m.mountType ?? MountType.BIND;
    if (type === MountType.CACHE && !m.cacheOpt?.ID) fail(`${where} cache mount ${m.dest} has no id`);
    if (type === MountType.SECRET && !m.secretOpt?.ID) fail(`${where} secret mount ${m.dest} has no id`);
    const out = idx(m.output);
    if (out >= 0 && type === MountType.BIND) {
      if (outputs.has(out)) fail(`${where} output ${out} is used twice`);
      outputs.add(out);
    }
  }
  const used = new Set(mounts.map((m) => idx(m.input)).filter((i) => i >= 0));
  if (used.size !== n) fail(`${where} has ${n} inputs but its mounts use ${used.size}`);
}

function checkAction(a: PbFileAction, j: number, n: number, where: string): void {
  // Action j may read op inputs 0..n-1 or the results of earlier actions n..n+j-1.
  checkIndex(a.input, n + j, `${where} action ${j} input`);
  const kinds = (['copy', 'mkfile', 'mkdir', 'rm', 'symlink'] as const).filter((k) => a[k]);
  if (kinds.length !== 1) fail(`${where} action ${j} must have exactly one action, has ${kinds.length}`);
  if (a.copy) {
    checkIndex(a.secondaryInput, n + j, `${where} action ${j} copy source`);
    if (!a.copy.src || !a.copy.dest) fail(`${where} action ${j} copy needs src and dest`);
  }
  const p = a.mkfile?.path ?? a.mkdir?.path ?? a.rm?.path ?? a.symlink?.newpath ?? a.copy?.dest;
  if (!p?.startsWith('/')) fail(`${where} action ${j} path "${p}" is not absolute`);
}

export function checkFile(op: PbOp, n: number, where: string): void {
  const actions = op.file?.actions ?? [];
  if (actions.length === 0) fail(`${where} has no actions`);
  actions.forEach((a, j) => checkAction(a, j, n, where));
  const outs = actions.map((a) => idx(a.output)).filter((o) => o >= 0);
  if (outs.length === 0) fail(`${where} exports no output`);
  if (new Set(outs).size !== outs.length) fail(`${where} exports one output twice`);
}

export function checkMerge(op: PbOp, n: number, where: string): void {
  const inputs = op.merge?.inputs ?? [];
  if (n < 2) fail(`${where} needs at least 2 inputs, has ${n}`);
  if (inputs.length !== n) fail(`${where} has ${inputs.length} merge inputs for ${n} op inputs`);
  inputs.forEach((m, i) => {
    if (idx(m.input) !== i) fail(`${where} merge input ${i} points at ${idx(m.input)}; it must equal its position`);
  });
}

export function checkDiff(op: PbOp, n: number, where: string): void {
  const d = op.diff!;
  if (!d.lower || !d.upper) fail(`${where} must have both lower and upper (a missing one crashes dockerd 26.1)`);
  checkIndex(d.lower.input, n, `${where} lower`);
  checkIndex(d.upper.input, n, `${where} upper`);
  // v0.13 takes lower = first op input and upper = the next, ignoring the indices: make them agree.
  if (idx(d.lower.input) < 0 && idx(d.upper.input) >= 0) fail(`${where} has a scratch lower and a real upper, which v0.13 reads as lower`);
  const real = [idx(d.lower.input), idx(d.upper.input)].filter((i) => i >= 0);
  if (real.length !== n || real.some((v, i) => v !== i)) {
    fail(`${where} lower/upper (${idx(d.lower.input)}, ${idx(d.upper.input)}) must be the op inputs in order`);
  }
}

/** How many outputs an op has, for range-checking the inputs of later ops. */
export function outputCount(op: PbOp): number {
  if (op.exec) {
    const outs = (op.exec.mounts ?? []).filter((m) => (m.mountType ?? 0) === MountType.BIND).map((m) => idx(m.output));
    return Math.max(-1, ...outs) + 1;
  }
  if (op.file) return Math.max(-1, ...op.file.actions.map((a) => idx(a.output))) + 1;
  return 1;
}
