/**
 * The immutable, fluent State: a pointer to one vertex output plus the env/dir/user/platform/network that
 * later execs use. Every method returns a new State; nothing is mutated, so states can be shared freely.
 */
import * as path from 'path';
import { InternalError } from '../src/errors';
import { run, type ExecResult, type RunOptions } from './exec';
import { fileVertex, type FileActionSpec } from './file';
import { imageVertex, localVertex, type ImageOptions, type LocalOptions } from './source';
import type { PbPlatform } from './pb-types';
import { LINUX_AMD64, type Output } from './vertex';

export type NetworkMode = 'sandbox' | 'host' | 'none';

export interface StateMeta {
  /** ordered KEY → value; later `env()` calls replace in place */
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly dir: string;
  readonly user: string;
  readonly platform: PbPlatform;
  readonly network: NetworkMode;
}

const DEFAULT_META: StateMeta = Object.freeze({ env: [], dir: '/', user: '', platform: LINUX_AMD64, network: 'sandbox' });

export class State {
  private constructor(
    /** undefined = scratch (an empty filesystem) */
    readonly output: Output | undefined,
    readonly meta: StateMeta,
  ) {}

  static scratch(): State {
    return new State(undefined, DEFAULT_META);
  }

  static image(ref: string, opts: ImageOptions & { platform?: PbPlatform } = {}): State {
    const platform = opts.platform ?? LINUX_AMD64;
    return new State({ vertex: imageVertex(ref, platform, opts), index: 0 }, { ...DEFAULT_META, platform });
  }

  static local(name: string, opts: LocalOptions = {}): State {
    return new State({ vertex: localVertex(name, opts), index: 0 }, DEFAULT_META);
  }

  get isScratch(): boolean {
    return this.output === undefined;
  }

  /** The same settings pointing at another output (used by op modules to return results). */
  withOutput(output: Output | undefined): State {
    return new State(output, this.meta);
  }

  private withMeta(patch: Partial<StateMeta>): State {
    return new State(this.output, { ...this.meta, ...patch });
  }

  env(key: string, value: string): State {
    if (!key || key.includes('=')) throw new InternalError('E_LLB_ENV', `invalid env name "${key}"`);
    const rest = this.meta.env.filter(([k]) => k !== key);
    const at = this.meta.env.findIndex(([k]) => k === key);
    const next = [...rest];
    next.splice(at < 0 ? next.length : at, 0, [key, value]);
    return this.withMeta({ env: next });
  }

  /** The same filesystem with no env: a plan stage sets exactly the env its execs see. */
  clearEnv(): State {
    return this.withMeta({ env: [] });
  }

  getEnv(key: string): string | undefined {
    return this.meta.env.find(([k]) => k === key)?.[1];
  }

  /** Relative paths resolve against the current dir, as `WORKDIR` does. */
  dir(p: string): State {
    return this.withMeta({ dir: path.posix.resolve(this.meta.dir, p) });
  }

  user(user: string): State {
    return this.withMeta({ user });
  }

  platform(platform: PbPlatform): State {
    return this.withMeta({ platform });
  }

  network(network: NetworkMode): State {
    return this.withMeta({ network });
  }

  run(opts: RunOptions): ExecResult {
    return run(this, opts);
  }

  /** One FileOp whose actions apply in order, each on the previous result. */
  file(actions: readonly FileActionSpec[], opts: { name?: string } = {}): State {
    return this.withOutput({ vertex: fileVertex(this, actions, opts.name), index: 0 });
  }
}
