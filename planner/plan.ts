/**
 * The Plan class: the one mutable builder blocks add stages to, plus the deterministic path to and from
 * plan JSON (`serializePlan` / `parsePlan`). The data itself is the zod contract in plan-schema.ts.
 */
import { ConfigError, InternalError } from '../src/errors';
import { PLAN_VERSION, PlanSchema, type BaseImage, type ExportConfig, type Input, type PlanData, type Stage } from './plan-schema';

export type PhaseKind = 'build' | 'export';

/**
 * Export phases in layer order, ordered by how often their inputs change (rarely → often), so an edit
 * only rebuilds the layers after it: base → python → apt → torch/framework → deps → SDK → build.run →
 * weights → code. python sits below apt because the framework stage is built from python alone (not on
 * the apt layer): python must then not depend on apt either, and on CUDA bases python's own apt-get
 * rewrites /var/lib/dpkg/status, a whole file that only the apt stage above it can extend (a Merge of two
 * such diffs keeps the upper one's file). The cog.yaml `environment` is image config, not a layer.
 */
export const EXPORT_PHASES = ['base', 'python', 'system', 'framework', 'deps', 'sdk', 'build-run', 'weights', 'code'] as const;
/** Build phases produce states other stages read; they are not image layers. */
export const BUILD_PHASES = ['build'] as const;

/**
 * A source asked for by phase, not by stage id: the result of the phases below the stage's own (the nearest
 * non-empty one not in the stage's `independent_of`, else the base image), or with `stack` the stage before
 * it in its own phase when there is one. Resolved in toData, once every block ran, so the registry order
 * of the blocks cannot decide what a stage is built on.
 */
export interface BelowSource {
  type: 'below';
  stack: boolean;
}

/** A stage as a block adds it: its source may still be a BelowSource. */
export type StageDraft = Omit<Stage, 'source'> & { source: Input | BelowSource };

export interface PlanInit {
  stack: string;
  baseImage: BaseImage;
}

function emptyExport(): ExportConfig {
  return { tags: [], labels: {}, entrypoint: [], cmd: [], env: {}, exposed_ports: [], working_dir: '/', user: '' };
}

interface DraftPhase {
  name: string;
  kind: PhaseKind;
  stages: StageDraft[];
}

export class Plan {
  /** everything but the phases, which toData resolves from the drafts */
  readonly data: PlanData;
  private readonly phases: DraftPhase[];

  constructor(init: PlanInit) {
    this.data = {
      version: PLAN_VERSION,
      platform: { os: 'linux', arch: 'amd64' },
      stack: init.stack,
      blocks: [],
      dependencies: {},
      base_image: init.baseImage,
      build_phases: [],
      export_phases: [],
      export: emptyExport(),
      contexts: {},
      secrets: [],
    };
    this.phases = [
      ...BUILD_PHASES.map((name) => ({ name, kind: 'build' as const, stages: [] })),
      ...EXPORT_PHASES.map((name) => ({ name, kind: 'export' as const, stages: [] })),
    ];
  }

  /** Adds a stage to the end of a phase; a duplicate id is the contributing block's bug. */
  addStage(phase: string, stage: StageDraft): StageDraft {
    const existing = this.getStage(stage.id);
    if (existing) {
      throw new InternalError('E_PLAN_DUPLICATE_STAGE', `block "${stage.block}" added stage "${stage.id}", which block "${existing.block}" already added`, {
        hint: 'give each stage a unique <phase>:<block>[:<detail>] id',
      });
    }
    this.phase(phase).stages.push(stage);
    return stage;
  }

  getStage(id: string): StageDraft | undefined {
    for (const p of this.phases) {
      const s = p.stages.find((st) => st.id === id);
      if (s) return s;
    }
    return undefined;
  }

  /**
   * The source of a stage built on what lies below its phase (see BelowSource); `stack` builds it on the
   * stage before it in its own phase when there is one (a second framework stage on the first).
   */
  below(opts: { stack?: boolean } = {}): BelowSource {
    return { type: 'below', stack: opts.stack ?? false };
  }

  /** Whether any stage so far provides a capability (e.g. `python`, `torch`). */
  hasProvider(capability: string): boolean {
    return this.phases.some((p) => p.stages.some((s) => s.provides.includes(capability)));
  }

  addContext(name: string, ctx: PlanData['contexts'][string]): void {
    this.data.contexts[name] = ctx;
  }

  addSecret(id: string): void {
    if (!this.data.secrets.includes(id)) this.data.secrets.push(id);
    this.data.secrets.sort();
  }

  /** The finished data: every BelowSource resolved, then empty phases dropped (nothing refers to them). */
  toData(): PlanData {
    const resolved = (kind: PhaseKind) =>
      this.phases
        .filter((p) => p.kind === kind && p.stages.length > 0)
        .map((p) => ({ name: p.name, stages: p.stages.map((s, i) => this.resolveStage(p, i, s)) }));
    return { ...this.data, build_phases: resolved('build'), export_phases: resolved('export') };
  }

  private resolveStage(phase: DraftPhase, index: number, draft: StageDraft): Stage {
    const { source, ...rest } = draft;
    if (source.type !== 'below') return { ...rest, source };
    if (source.stack && index > 0) return { ...rest, source: { type: 'stage', id: phase.stages[index - 1].id } };
    const skip = new Set(draft.independent_of ?? []);
    const same = this.phases.filter((p) => p.kind === phase.kind);
    for (let i = same.indexOf(phase) - 1; i >= 0; i--) {
      if (same[i].stages.length > 0 && !skip.has(same[i].name)) return { ...rest, source: { type: 'phase', name: same[i].name } };
    }
    return { ...rest, source: { type: 'image', ref: phase.kind === 'build' ? this.data.base_image.build : this.data.base_image.runtime } };
  }

  private phase(name: string): DraftPhase {
    const found = this.phases.find((p) => p.name === name);
    if (found) return found;
    throw new InternalError('E_PLAN_UNKNOWN_PHASE', `unknown phase "${name}"`, {
      hint: `use one of ${[...BUILD_PHASES, ...EXPORT_PHASES].join(', ')}`,
    });
  }
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

/** Sorts every record (map) in the plan; objects keep the schema's key order (zod's output order). */
function canonical(p: PlanData): PlanData {
  const phases = (list: PlanData['build_phases']) =>
    list.map((ph) => ({
      ...ph,
      stages: ph.stages.map((s) => ({
        ...s,
        env: sortRecord(s.env),
        operations: s.operations.map((op) => (op.op === 'exec' ? { ...op, env: sortRecord(op.env) } : op)),
      })),
    }));
  return {
    ...p,
    dependencies: sortRecord(p.dependencies),
    base_image: { ...p.base_image, metadata: { packages: sortRecord(p.base_image.metadata.packages) } },
    build_phases: phases(p.build_phases),
    export_phases: phases(p.export_phases),
    export: { ...p.export, labels: sortRecord(p.export.labels), env: sortRecord(p.export.env) },
    contexts: sortRecord(p.contexts),
  };
}

/** Deterministic plan bytes: schema key order, sorted map keys, 2-space JSON, trailing newline. */
export function serializePlan(plan: PlanData): string {
  const parsed = PlanSchema.safeParse(canonical(plan));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InternalError('E_PLAN_SCHEMA', `plan does not match the schema at ${issue.path.join('.')}: ${issue.message}`);
  }
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

/** Reads plan JSON (e.g. from `cogpack plan --json`) back, strictly. */
export function parsePlan(json: string, file = 'plan.json'): PlanData {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ConfigError('E_PLAN_JSON', `not JSON: ${(e as Error).message}`, { file, hint: 'pass the output of `cogpack plan --json`' });
  }
  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError('E_PLAN_SCHEMA', `invalid plan at ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      file,
      hint: 'regenerate it with `cogpack plan --json`',
    });
  }
  return parsed.data;
}
