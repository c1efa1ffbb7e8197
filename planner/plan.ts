/**
 * The Plan class: the one mutable builder blocks add stages to, plus the deterministic path to and from
 * plan JSON (`serializePlan` / `parsePlan`). The data itself is the zod contract in plan-schema.ts.
 */
import { ConfigError, InternalError } from '../src/errors';
import {
  PLAN_VERSION,
  PlanSchema,
  type BaseImage,
  type ExportConfig,
  type Input,
  type PlanData,
  type Stage,
} from './plan-schema';

export type PhaseKind = 'build' | 'export';

/**
 * Export phases in layer order, ordered by how often their inputs change (rarely → often), so an edit
 * only rebuilds the layers after it: base → apt → python → torch/framework → deps → SDK → build.run →
 * weights → code. The cog.yaml `environment` is image config, not a layer, so it appears in no phase.
 */
export const EXPORT_PHASES = ['base', 'system', 'python', 'framework', 'deps', 'sdk', 'build-run', 'weights', 'code'] as const;
/** Build phases produce states other stages read; they are not image layers. */
export const BUILD_PHASES = ['build'] as const;

export interface PlanInit {
  stack: string;
  baseImage: BaseImage;
}

function emptyExport(): ExportConfig {
  return { tags: [], labels: {}, entrypoint: [], cmd: [], env: {}, exposed_ports: [], working_dir: '/', user: '' };
}

export class Plan {
  readonly data: PlanData;

  constructor(init: PlanInit) {
    this.data = {
      version: PLAN_VERSION,
      platform: { os: 'linux', arch: 'amd64' },
      stack: init.stack,
      blocks: [],
      dependencies: {},
      base_image: init.baseImage,
      build_phases: BUILD_PHASES.map((name) => ({ name, stages: [] })),
      export_phases: EXPORT_PHASES.map((name) => ({ name, stages: [] })),
      export: emptyExport(),
      contexts: {},
      secrets: [],
    };
  }

  /** Adds a stage to the end of a phase; a duplicate id is the contributing block's bug. */
  addStage(phase: string, stage: Stage): Stage {
    const existing = this.getStage(stage.id);
    if (existing) {
      throw new InternalError(
        'E_PLAN_DUPLICATE_STAGE',
        `block "${stage.block}" added stage "${stage.id}", which block "${existing.block}" already added`,
        { hint: 'give each stage a unique <phase>:<block>[:<detail>] id' },
      );
    }
    this.phase(phase).stages.push(stage);
    return stage;
  }

  getStage(id: string): Stage | undefined {
    for (const p of [...this.data.build_phases, ...this.data.export_phases]) {
      const s = p.stages.find((st) => st.id === id);
      if (s) return s;
    }
    return undefined;
  }

  /**
   * The state after the named phase: the phase itself if it has stages, else the nearest earlier non-empty
   * phase of the same kind, else the base image. Blocks use it as the `source` of their next stage.
   */
  getPhaseResult(name: string): Input {
    const kind = this.kindOf(name);
    const phases = kind === 'build' ? this.data.build_phases : this.data.export_phases;
    const idx = phases.findIndex((p) => p.name === name);
    for (let i = idx; i >= 0; i--) if (phases[i].stages.length > 0) return { type: 'phase', name: phases[i].name };
    const ref = kind === 'build' ? this.data.base_image.build : this.data.base_image.runtime;
    return { type: 'image', ref };
  }

  /** The state a new stage in `phase` should start from: the result of the phase before it. */
  inputBefore(phase: string): Input {
    const kind = this.kindOf(phase);
    const phases = kind === 'build' ? this.data.build_phases : this.data.export_phases;
    const idx = phases.findIndex((p) => p.name === phase);
    if (idx === 0) return { type: 'image', ref: kind === 'build' ? this.data.base_image.build : this.data.base_image.runtime };
    return this.getPhaseResult(phases[idx - 1].name);
  }

  /**
   * The state after every stage added so far to `phase` (the last one's output), or the phase's starting
   * point when it has none yet: how a second stage of a phase builds on the first.
   */
  current(phase: string): Input {
    const stages = this.phase(phase).stages;
    return stages.length > 0 ? { type: 'stage', id: stages[stages.length - 1].id } : this.inputBefore(phase);
  }

  /** Whether any stage so far provides a capability (e.g. `python`, `torch`). */
  hasProvider(capability: string): boolean {
    return [...this.data.build_phases, ...this.data.export_phases].some((p) =>
      p.stages.some((s) => s.provides.includes(capability)),
    );
  }

  addContext(name: string, ctx: PlanData['contexts'][string]): void {
    this.data.contexts[name] = ctx;
  }

  addSecret(id: string): void {
    if (!this.data.secrets.includes(id)) this.data.secrets.push(id);
    this.data.secrets.sort();
  }

  /** The finished data: empty phases dropped (nothing can refer to them: getPhaseResult skips them). */
  toData(): PlanData {
    return {
      ...this.data,
      build_phases: this.data.build_phases.filter((p) => p.stages.length > 0),
      export_phases: this.data.export_phases.filter((p) => p.stages.length > 0),
    };
  }

  private kindOf(phase: string): PhaseKind {
    if ((BUILD_PHASES as readonly string[]).includes(phase)) return 'build';
    if ((EXPORT_PHASES as readonly string[]).includes(phase)) return 'export';
    throw new InternalError('E_PLAN_UNKNOWN_PHASE', `unknown phase "${phase}"`, {
      hint: `use one of ${[...BUILD_PHASES, ...EXPORT_PHASES].join(', ')}`,
    });
  }

  private phase(name: string) {
    const kind = this.kindOf(name);
    const phases = kind === 'build' ? this.data.build_phases : this.data.export_phases;
    return phases.find((p) => p.name === name)!;
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
