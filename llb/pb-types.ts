/** TypeScript shapes of the pb.* messages cogpack writes (proto/ops.proto), as plain objects for protobufjs. */

/** int64 fields are plain numbers here: LLB values (indices, sizes, -1) are far below 2^53. */
export interface PbInput {
  digest: string;
  index?: number;
}
export interface PbPlatform {
  Architecture: string;
  OS: string;
  Variant?: string;
  OSVersion?: string;
  OSFeatures?: string[];
}
export interface PbWorkerConstraints {
  filter?: string[];
}

/** Meta.proxy_env: the daemon sets each as NAME and name in the process env and leaves it out of the cache key. */
export interface PbProxyEnv {
  http_proxy?: string;
  https_proxy?: string;
  ftp_proxy?: string;
  no_proxy?: string;
  all_proxy?: string;
}

export interface PbMeta {
  args: string[];
  env?: string[];
  cwd?: string;
  user?: string;
  proxy_env?: PbProxyEnv;
  hostname?: string;
  removeMountStubsRecursive?: boolean;
}

export const MountType = { BIND: 0, SECRET: 1, SSH: 2, CACHE: 3, TMPFS: 4 } as const;
export const CacheSharing = { SHARED: 0, PRIVATE: 1, LOCKED: 2 } as const;
export const NetMode = { UNSET: 0, HOST: 1, NONE: 2 } as const;

export interface PbMount {
  input?: number;
  selector?: string;
  dest: string;
  output?: number;
  readonly?: boolean;
  mountType?: number;
  TmpfsOpt?: { size?: number };
  cacheOpt?: { ID: string; sharing?: number };
  secretOpt?: { ID: string; uid?: number; gid?: number; mode?: number; optional?: boolean };
}

export interface PbExecOp {
  meta: PbMeta;
  mounts: PbMount[];
  network?: number;
  security?: number;
}
export interface PbSourceOp {
  identifier: string;
  attrs?: Record<string, string>;
}

export interface PbChownOpt {
  user?: PbUserOpt;
  group?: PbUserOpt;
}
export interface PbUserOpt {
  byID?: number;
  byName?: { name: string; input?: number };
}

export interface PbFileActionCopy {
  src: string;
  dest: string;
  owner?: PbChownOpt;
  mode?: number;
  followSymlink?: boolean;
  dirCopyContents?: boolean;
  createDestPath?: boolean;
  allowWildcard?: boolean;
  allowEmptyWildcard?: boolean;
  timestamp?: number;
  include_patterns?: string[];
  exclude_patterns?: string[];
}
export interface PbFileActionMkFile {
  path: string;
  mode: number;
  data?: Uint8Array;
  owner?: PbChownOpt;
  timestamp?: number;
}
export interface PbFileActionMkDir {
  path: string;
  mode: number;
  makeParents?: boolean;
  owner?: PbChownOpt;
  timestamp?: number;
}
export interface PbFileActionRm {
  path: string;
  allowNotFound?: boolean;
  allowWildcard?: boolean;
}
export interface PbFileActionSymlink {
  oldpath: string;
  newpath: string;
  owner?: PbChownOpt;
  timestamp?: number;
}

export interface PbFileAction {
  input?: number;
  secondaryInput?: number;
  output?: number;
  copy?: PbFileActionCopy;
  mkfile?: PbFileActionMkFile;
  mkdir?: PbFileActionMkDir;
  rm?: PbFileActionRm;
  symlink?: PbFileActionSymlink;
}
export interface PbFileOp {
  actions: PbFileAction[];
}
export interface PbMergeOp {
  inputs: { input?: number }[];
}
export interface PbDiffOp {
  lower?: { input?: number };
  upper?: { input?: number };
}

export interface PbOp {
  inputs?: PbInput[];
  exec?: PbExecOp;
  source?: PbSourceOp;
  file?: PbFileOp;
  build?: unknown;
  merge?: PbMergeOp;
  diff?: PbDiffOp;
  platform?: PbPlatform;
  constraints?: PbWorkerConstraints;
}

export interface PbOpMetadata {
  ignore_cache?: boolean;
  description?: Record<string, string>;
  caps?: Record<string, boolean>;
}

export interface PbDefinition {
  def: Uint8Array[];
  metadata?: Record<string, PbOpMetadata>;
}

export type OpKind = 'exec' | 'source' | 'file' | 'merge' | 'diff';
export const OP_KINDS: readonly OpKind[] = ['exec', 'source', 'file', 'merge', 'diff'];

/** Which oneof member an op carries; undefined for the terminal op (inputs only). */
export function opKind(op: PbOp): OpKind | undefined {
  return OP_KINDS.find((k) => op[k] !== undefined && op[k] !== null);
}
