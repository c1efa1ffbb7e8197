/**
 * The inputs record: per stage, short digests of what feeds it (its own plan fields, the dependencies its
 * block asked for, the files of the contexts it reads), kept in the `dev.cogpack.inputs` image label so a
 * rebuild can say which stages' inputs changed and why. Compact by design: lists of items are stored one by
 * one only while they are few (dependencies here, files in ./files.ts), else as one digest.
 */
import { createHash } from 'node:crypto';
import type { Dependency, Input, Operation, PlanData, Stage } from '../plan-schema';
import { allStages } from '../plan-walk';

/** One context's files as the inputs record keeps them (planner/inputs/files.ts makes it). */
export interface FilesRecord {
  /** digest of the whole context */
  h: string;
  /** number of files */
  n: number;
  /** path → digest for files, `dir/` → `digest count` for directories; absent when the root alone is kept */
  m?: Record<string, string>;
}

export const INPUTS_LABEL = 'dev.cogpack.inputs';
export const INPUTS_VERSION = 1;
/** Above this many dependencies the record keeps only each stage's dependency digest (label size). */
export const MAX_DEPS = 300;

/** name → [resolved version, source (`requirements.txt:3`), provider block] */
export type DepsRecord = Record<string, [string, string, string]>;

export interface StageInputs {
  /** the block that made the stage (its dependencies are those with this provider) */
  b: string;
  /** digest of everything below: a stage whose `d` is unchanged has the same inputs */
  d: string;
  /** what the stage starts from, e.g. `image docker.io/library/python:3.11-slim`, `phase python`, `scratch` */
  from: string;
  /** digest of its operations, working directory and layer mode */
  ops: string;
  /** env name → digest of the value (values may be long; names say enough) */
  env: Record<string, string>;
  /** digest of its dependencies' names and versions */
  dh: string;
  /** context name → its files, for the contexts the stage copies or mounts */
  files?: Record<string, FilesRecord>;
}

export interface InputsRecord {
  v: number;
  /** every plan dependency, absent when there are more than MAX_DEPS */
  deps?: DepsRecord;
  stages: Record<string, StageInputs>;
}

export function shortHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted at every level: the record's bytes depend only on its content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function describeInput(input: Input): string {
  switch (input.type) {
    case 'scratch':
      return 'scratch';
    case 'image':
      return `image ${input.ref}`;
    case 'context':
      return `context ${input.name}`;
    case 'stage':
      return `stage ${input.id}`;
    case 'phase':
      return `phase ${input.name}`;
  }
}

/** The contexts a stage reads: its source, copy sources and bind mounts. */
export function stageContexts(stage: Stage): string[] {
  const names = new Set<string>();
  const add = (i: Input) => i.type === 'context' && names.add(i.name);
  add(stage.source);
  for (const op of stage.operations) {
    if (op.op === 'copy') add(op.from);
    if (op.op === 'exec') for (const m of op.mounts) if (m.type === 'bind') add(m.from);
  }
  return [...names].sort();
}

/** Progress names (exec descriptions) are not inputs: BuildKit keeps them out of the cache key too. */
function opsWithoutNames(ops: Operation[]): Operation[] {
  return ops.map((op) => (op.op === 'exec' && op.description !== undefined ? { ...op, description: undefined } : op));
}

export function stageDeps(deps: Record<string, Dependency>, block: string): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [key, d] of Object.entries(deps)) if (d.provider === block) own[key] = d.resolved_version;
  return own;
}

function stageInputs(plan: PlanData, stage: Stage, files: Record<string, FilesRecord>): StageInputs {
  const env = Object.fromEntries(Object.entries(stage.env).map(([k, v]) => [k, shortHash(v)]));
  const ctxs = stageContexts(stage).filter((c) => files[c]);
  const own = ctxs.length > 0 ? Object.fromEntries(ctxs.map((c) => [c, files[c]])) : undefined;
  const base = {
    b: stage.block,
    from: describeInput(stage.source),
    ops: shortHash(canonicalJson({ operations: opsWithoutNames(stage.operations), dir: stage.dir, layer: stage.layer })),
    env,
    dh: shortHash(canonicalJson(stageDeps(plan.dependencies, stage.block))),
  };
  const d = shortHash(canonicalJson({ ...base, files: own && Object.fromEntries(ctxs.map((c) => [c, files[c].h])) }));
  return { ...base, d, ...(own ? { files: own } : {}) };
}

/**
 * The record of a plan. `files` holds the contexts' file records (./files.ts); a context missing from it
 * (a plan JSON written without them) leaves the stage without file information, never with a wrong one.
 */
export function inputsRecordOf(plan: PlanData, files: Record<string, FilesRecord> = {}): InputsRecord {
  const stages: Record<string, StageInputs> = {};
  for (const s of allStages(plan)) stages[s.id] = stageInputs(plan, s, files);
  const entries = Object.entries(plan.dependencies);
  const deps =
    entries.length <= MAX_DEPS
      ? Object.fromEntries(entries.map(([k, d]) => [k, [d.resolved_version, d.source, d.provider] as [string, string, string]]))
      : undefined;
  return { v: INPUTS_VERSION, ...(deps ? { deps } : {}), stages };
}

export function serializeInputs(record: InputsRecord): string {
  return canonicalJson(record);
}
