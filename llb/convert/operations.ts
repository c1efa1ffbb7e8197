/** One converter per Plan operation kind: exec becomes an ExecOp, the file kinds become FileOp actions. */
import { InternalError } from '../../src/errors';
import type { ExecOperation, Input, Mount, Operation } from '../../planner/plan-schema';
import type { MountSpec } from '../exec';
import type { PbProxyEnv } from '../pb-types';
import type { FileActionSpec } from '../file';
import type { State } from '../state';

/** Turns a plan input (a stage, an image, a context) into the State it names: llb/convert/inputs.ts's PlanGraph. */
export interface InputResolver {
  resolve(input: Input): State;
}

export type FileOperation = Exclude<Operation, ExecOperation>;

const NAME_MAX = 120;

/** Progress names are one line: multi-line scripts are folded and cut (the full args stay in the op). */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > NAME_MAX ? `${flat.slice(0, NAME_MAX - 1)}…` : flat;
}

function mountSpec(m: Mount, inputs: InputResolver): MountSpec {
  switch (m.type) {
    case 'cache':
      return { type: 'cache', dest: m.target, id: m.id, sharing: m.sharing };
    case 'secret':
      return { type: 'secret', dest: m.target, id: m.id, optional: !m.required };
    case 'bind':
      return { type: 'bind', dest: m.target, from: inputs.resolve(m.from), selector: m.source, readonly: m.readonly };
    case 'tmpfs':
      return { type: 'tmpfs', dest: m.target, size: m.size };
    default: {
      const never: never = m;
      throw new InternalError('E_PLAN_MOUNT', `unknown mount type in ${JSON.stringify(never)}`);
    }
  }
}

/** Runs one exec on `st`; env is the stage env (already on `st`) plus the operation's own; proxies ride beside it. */
export function convertExec(st: State, op: ExecOperation, inputs: InputResolver, prefix: string, proxyEnv?: PbProxyEnv): State {
  return st.run({
    args: op.args,
    env: op.env,
    mounts: op.mounts.map((m) => mountSpec(m, inputs)),
    network: op.network,
    name: `${prefix} ${oneLine(op.description ?? op.args.join(' '))}`,
    proxyEnv,
  }).root;
}

/**
 * Dockerfile COPY semantics: parents created, wildcards allowed, symlinks followed. `timestamp` (ns) is the mtime
 * of every copied or created entry (a direct layer's squash mtime); absent = the source's, or the time of the build.
 */
export function fileAction(op: FileOperation, inputs: InputResolver, timestamp?: number): FileActionSpec {
  const ts = timestamp === undefined ? {} : { timestamp };
  switch (op.op) {
    case 'copy':
      return {
        action: 'copy',
        from: inputs.resolve(op.from),
        src: op.src,
        dest: op.dest,
        opts: {
          contentsOnly: op.contents_only,
          include: op.include,
          exclude: op.exclude,
          owner: op.owner,
          mode: op.mode,
          createDestPath: true,
          allowWildcard: true,
          allowEmptyWildcard: true,
          followSymlink: true,
          ...ts,
        },
      };
    case 'mkfile':
      return { action: 'mkfile', path: op.path, data: op.data, mode: op.mode, ...ts };
    case 'mkdir':
      return { action: 'mkdir', path: op.path, mode: op.mode, parents: op.parents, ...ts };
    case 'rm':
      return { action: 'rm', path: op.path, allowNotFound: op.allow_not_found };
    case 'symlink':
      return { action: 'symlink', target: op.target, path: op.path };
    default: {
      const never: never = op;
      throw new InternalError('E_PLAN_OPERATION', `unknown operation ${JSON.stringify(never)}`);
    }
  }
}

/**
 * How a plan `symlink` becomes LLB: `action` = FileActionSymlink (BuildKit ≥ v0.19 only; v0.13 in Docker 26.1
 * rejects the `file.symlink.create` cap), `exec` = `ln -sfn` run in the stage (needs /bin/ln; not on scratch).
 */
export type SymlinkMode = 'action' | 'exec';

export interface ConvertContext {
  inputs: InputResolver;
  /** `[stage-id]`, the start of every vertex name of the stage */
  prefix: string;
  symlinks: SymlinkMode;
  /** the build's proxies, given to every plan exec the way Dockerfile RUNs get them */
  proxyEnv?: PbProxyEnv;
}

function symlinkByExec(st: State, op: Extract<Operation, { op: 'symlink' }>, prefix: string): State {
  if (st.isScratch) {
    throw new InternalError('E_LLB_SYMLINK', `${prefix} creates a symlink on an empty filesystem, which needs BuildKit ≥ 0.19`, {
      hint: 'build with symlinks: "action" against a newer BuildKit, or give the stage a base with /bin/ln',
    });
  }
  return st.run({ args: ['/bin/ln', '-sfn', '--', op.target, op.path], network: 'none', name: `${prefix} SYMLINK ${op.path} -> ${op.target}` }).root;
}

/** Consecutive file operations share one FileOp (one vertex, one layer in `diff` mode). */
export function convertOperations(start: State, ops: readonly Operation[], ctx: ConvertContext): State {
  let st = start;
  let pending: FileOperation[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const actions = pending.map((o) => fileAction(o, ctx.inputs));
    st = st.file(actions, { name: fileOpName(ctx.prefix, pending) });
    pending = [];
  };
  for (const op of ops) {
    if (op.op === 'exec') {
      flush();
      st = convertExec(st, op, ctx.inputs, ctx.prefix, ctx.proxyEnv);
    } else if (op.op === 'symlink' && ctx.symlinks === 'exec') {
      flush();
      st = symlinkByExec(st, op, ctx.prefix);
    } else {
      pending.push(op);
    }
  }
  flush();
  return st;
}

/** The progress name of a FileOp made of these plan operations. */
export function fileOpName(prefix: string, ops: readonly FileOperation[]): string {
  return `${prefix} ${ops.map(describeFileOperation).join(', ')}`;
}

function describeFileOperation(op: FileOperation): string {
  switch (op.op) {
    case 'copy':
      return `COPY ${op.src} ${op.dest}`;
    case 'mkfile':
      return `MKFILE ${op.path}`;
    case 'mkdir':
      return `MKDIR ${op.path}`;
    case 'rm':
      return `RM ${op.path}`;
    case 'symlink':
      return `SYMLINK ${op.path} -> ${op.target}`;
  }
}
