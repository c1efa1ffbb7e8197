/** Exec ops: a command run on a root filesystem with extra mounts, laid out the way Go's client/llb does. */
import * as path from 'path';
import { InternalError } from '../src/errors';
import { CacheSharing, MountType, NetMode, type PbExecOp, type PbMount, type PbOp, type PbPlatform, type PbProxyEnv } from './pb-types';
import type { NetworkMode, State } from './state';
import { inputIndex, type Output, type Vertex } from './vertex';

export type MountSpec =
  | { type: 'bind'; dest: string; from: State; selector?: string; readonly?: boolean }
  | { type: 'cache'; dest: string; id: string; sharing: 'shared' | 'private' | 'locked' }
  | { type: 'secret'; dest: string; id: string; optional?: boolean; uid?: number; gid?: number; mode?: number }
  | { type: 'tmpfs'; dest: string; size?: number };

export interface RunOptions {
  args: readonly string[];
  /** extra env for this command, over the state's env */
  env?: Readonly<Record<string, string>>;
  mounts?: readonly MountSpec[];
  network?: NetworkMode;
  name?: string;
  /** proxies for this command (Meta.proxy_env): in its env, but not in the op's cache key */
  proxyEnv?: Readonly<PbProxyEnv>;
}

export interface ExecResult {
  /** the root filesystem after the command */
  readonly root: State;
  /** the state of a writable bind mount after the command */
  mount(dest: string): State;
}

type RootSpec = { type: 'root'; dest: '/'; from: State };

const SHARING = { shared: CacheSharing.SHARED, private: CacheSharing.PRIVATE, locked: CacheSharing.LOCKED } as const;
const NETWORK = { sandbox: NetMode.UNSET, host: NetMode.HOST, none: NetMode.NONE } as const;

function sourceInput(inputs: Output[], st: State): number {
  return st.output ? inputIndex(inputs, st.output) : -1;
}

/** One pb.Mount; `output` is the next free output index for writable binds. */
function toPbMount(m: MountSpec | RootSpec, inputs: Output[], nextOutput: () => number): PbMount {
  switch (m.type) {
    case 'root':
      return { input: sourceInput(inputs, m.from), dest: '/', output: nextOutput() };
    case 'bind': {
      const sel = m.selector && m.selector !== '/' ? m.selector : undefined;
      const output = m.readonly ? -1 : nextOutput();
      return { input: sourceInput(inputs, m.from), selector: sel, dest: m.dest, output, readonly: m.readonly };
    }
    case 'cache':
      return { input: -1, dest: m.dest, output: -1, mountType: MountType.CACHE, cacheOpt: { ID: m.id, sharing: SHARING[m.sharing] } };
    case 'secret': {
      const secretOpt = { ID: m.id, uid: m.uid ?? 0, gid: m.gid ?? 0, mode: m.mode ?? 0o400, optional: m.optional };
      return { input: -1, dest: m.dest, output: -1, mountType: MountType.SECRET, secretOpt };
    }
    case 'tmpfs':
      return { input: -1, dest: m.dest, output: -1, mountType: MountType.TMPFS, TmpfsOpt: { size: m.size ?? 0 } };
    default: {
      const never: never = m;
      throw new InternalError('E_LLB_MOUNT', `unknown mount ${JSON.stringify(never)}`);
    }
  }
}

const MOUNT_CAPS: Record<MountSpec['type'], string> = {
  bind: 'exec.mount.bind',
  cache: 'exec.mount.cache',
  secret: 'exec.mount.secret',
  tmpfs: 'exec.mount.tmpfs',
};

class ExecVertex implements Vertex {
  readonly kind = 'exec' as const;
  readonly inputs: Output[] = [];
  readonly caps: string[];
  private readonly op: PbExecOp;
  /** dest → output index of writable mounts */
  readonly outputs = new Map<string, number>();

  constructor(
    base: State,
    opts: RunOptions,
    readonly name: string,
    private readonly platform: PbPlatform,
  ) {
    const extra = (opts.mounts ?? []).map((m) => ({ ...m, dest: path.posix.resolve(base.meta.dir, m.dest) }));
    const all: (MountSpec | RootSpec)[] = [{ type: 'root', dest: '/', from: base }, ...extra];
    all.sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
    const dests = new Set(all.map((m) => m.dest));
    if (dests.size !== all.length) throw new InternalError('E_LLB_MOUNT', `two mounts on one path in "${name}"`);
    let next = 0;
    const mounts = all.map((m) => {
      const pm = toPbMount(m, this.inputs, () => next++);
      if ((pm.output ?? 0) >= 0) this.outputs.set(m.dest, pm.output ?? 0);
      return pm;
    });
    const env = mergedEnv(base, opts.env);
    const network = opts.network ?? base.meta.network;
    this.op = {
      meta: { args: [...opts.args], env, cwd: base.meta.dir, user: base.meta.user, removeMountStubsRecursive: true, ...proxyMeta(opts.proxyEnv) },
      mounts,
      network: NETWORK[network],
    };
    this.caps = [...new Set(['exec.meta.base', ...extra.map((m) => MOUNT_CAPS[m.type]), ...(network !== 'sandbox' ? ['exec.meta.network'] : [])])];
    if (extra.some((m) => m.type === 'cache')) this.caps.push('exec.mount.cache.sharing');
    if (mounts.some((m) => m.selector)) this.caps.push('exec.mount.selector');
    if (this.op.meta.proxy_env) this.caps.push('exec.meta.proxyenv');
  }

  body(): Omit<PbOp, 'inputs' | 'constraints'> {
    return { exec: this.op, platform: this.platform };
  }
}

/** Only the proxies that are set; no field at all when none is (the op's bytes stay as without proxies). */
function proxyMeta(p: Readonly<PbProxyEnv> | undefined): { proxy_env?: PbProxyEnv } {
  const set = Object.entries(p ?? {}).filter(([, v]) => v !== undefined && v !== '');
  return set.length ? { proxy_env: Object.fromEntries(set) } : {};
}

function mergedEnv(base: State, extra: Readonly<Record<string, string>> | undefined): string[] {
  let st = base;
  for (const [k, v] of Object.entries(extra ?? {})) st = st.env(k, v);
  return st.meta.env.map(([k, v]) => `${k}=${v}`);
}

export function run(base: State, opts: RunOptions): ExecResult {
  if (opts.args.length === 0) throw new InternalError('E_LLB_EXEC', 'exec needs at least one argument');
  const vertex = new ExecVertex(base, opts, opts.name ?? opts.args.join(' '), base.meta.platform);
  const rootIndex = vertex.outputs.get('/');
  return {
    root: base.withOutput({ vertex, index: rootIndex ?? 0 }),
    mount(dest: string): State {
      const index = vertex.outputs.get(path.posix.resolve(base.meta.dir, dest));
      if (index === undefined) throw new InternalError('E_LLB_MOUNT', `no writable mount at ${dest} in "${vertex.name}"`);
      return base.withOutput({ vertex, index });
    },
  };
}
