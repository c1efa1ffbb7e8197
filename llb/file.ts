/** File ops: copy/mkfile/mkdir/rm/symlink actions chained in one FileOp, indexed as the server expects. */
import * as path from 'path';
import { InternalError } from '../src/errors';
import type { PbChownOpt, PbFileAction, PbOp } from './pb-types';
import type { State } from './state';
import { inputIndex, type Output, type Vertex } from './vertex';

export interface Owner {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /** copy what is inside src rather than src itself */
  contentsOnly?: boolean;
  include?: readonly string[];
  exclude?: readonly string[];
  owner?: Owner;
  /** absent = keep the source mode */
  mode?: number;
  /** Dockerfile COPY semantics: create dest parents, allow wildcards, follow symlinks */
  createDestPath?: boolean;
  allowWildcard?: boolean;
  allowEmptyWildcard?: boolean;
  followSymlink?: boolean;
  /** mtime (ns since the epoch) set on every copied file, dir and symlink; absent = keep the source's */
  timestamp?: number;
}

export type FileActionSpec =
  | { action: 'copy'; from: State; src: string; dest: string; opts?: CopyOptions }
  | { action: 'mkfile'; path: string; data: string | Uint8Array; mode: number; owner?: Owner; timestamp?: number }
  | { action: 'mkdir'; path: string; mode: number; parents?: boolean; owner?: Owner; timestamp?: number }
  | { action: 'rm'; path: string; allowNotFound?: boolean; allowWildcard?: boolean }
  | { action: 'symlink'; target: string; path: string };

/** Timestamps: -1 = "not set" (0 would mean 1970-01-01). */
const UNSET = -1;

function chown(owner: Owner | undefined): PbChownOpt | undefined {
  return owner ? { user: { byID: owner.uid }, group: { byID: owner.gid } } : undefined;
}

function copyAction(a: Extract<FileActionSpec, { action: 'copy' }>, dir: string): PbFileAction['copy'] {
  const o = a.opts ?? {};
  return {
    src: path.posix.resolve(a.from.meta.dir, a.src),
    dest: path.posix.resolve(dir, a.dest),
    owner: chown(o.owner),
    mode: o.mode ?? -1,
    followSymlink: o.followSymlink,
    dirCopyContents: o.contentsOnly,
    createDestPath: o.createDestPath,
    allowWildcard: o.allowWildcard,
    allowEmptyWildcard: o.allowEmptyWildcard,
    timestamp: o.timestamp ?? UNSET,
    include_patterns: o.include ? [...o.include] : undefined,
    exclude_patterns: o.exclude ? [...o.exclude] : undefined,
  };
}

/** The action body without its input indices. */
function actionBody(a: FileActionSpec, dir: string): Omit<PbFileAction, 'input' | 'secondaryInput' | 'output'> {
  switch (a.action) {
    case 'copy':
      return { copy: copyAction(a, dir) };
    case 'mkfile': {
      const data = typeof a.data === 'string' ? Buffer.from(a.data, 'utf8') : a.data;
      return { mkfile: { path: path.posix.resolve(dir, a.path), mode: a.mode, data, owner: chown(a.owner), timestamp: a.timestamp ?? UNSET } };
    }
    case 'mkdir':
      return { mkdir: { path: path.posix.resolve(dir, a.path), mode: a.mode, makeParents: a.parents, owner: chown(a.owner), timestamp: a.timestamp ?? UNSET } };
    case 'rm':
      return { rm: { path: path.posix.resolve(dir, a.path), allowNotFound: a.allowNotFound, allowWildcard: a.allowWildcard } };
    case 'symlink':
      return { symlink: { oldpath: a.target, newpath: path.posix.resolve(dir, a.path), timestamp: UNSET } };
    default: {
      const never: never = a;
      throw new InternalError('E_LLB_FILE', `unknown file action ${JSON.stringify(never)}`);
    }
  }
}

export function describeAction(a: FileActionSpec): string {
  switch (a.action) {
    case 'copy':
      return `copy ${a.src} ${a.dest}`;
    case 'mkfile':
      return `mkfile ${a.path}`;
    case 'mkdir':
      return `mkdir ${a.path}`;
    case 'rm':
      return `rm ${a.path}`;
    case 'symlink':
      return `symlink ${a.target} -> ${a.path}`;
  }
}

class FileVertex implements Vertex {
  readonly kind = 'file' as const;
  readonly inputs: Output[] = [];
  readonly caps: string[] = ['file.base'];
  private readonly actions: PbFileAction[];

  constructor(
    base: State,
    specs: readonly FileActionSpec[],
    readonly name: string,
  ) {
    const baseIdx = base.output ? inputIndex(this.inputs, base.output) : -1;
    const froms = specs.map((a) => (a.action === 'copy' && a.from.output ? inputIndex(this.inputs, a.from.output) : -1));
    const n = this.inputs.length;
    // Action j works on the result of action j-1, which the server numbers N + (j-1).
    this.actions = specs.map((a, j) => ({
      input: j === 0 ? baseIdx : n + j - 1,
      secondaryInput: froms[j],
      output: j === specs.length - 1 ? 0 : -1,
      ...actionBody(a, base.meta.dir),
    }));
    if (specs.some((a) => a.action === 'symlink')) this.caps.push('file.symlink.create');
  }

  body(): Omit<PbOp, 'inputs' | 'constraints'> {
    return { file: { actions: this.actions } };
  }
}

export function fileVertex(base: State, specs: readonly FileActionSpec[], name?: string): Vertex {
  if (specs.length === 0) throw new InternalError('E_LLB_FILE', 'a file op needs at least one action');
  return new FileVertex(base, specs, name ?? specs.map(describeAction).join(', '));
}
