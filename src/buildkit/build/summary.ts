/** The `--json` build summary: image digest, layers with sizes, which stage made which layer, timings, cached steps. */
import type { PlanData } from '../../../planner/plan-schema';
import type { VertexBook, VertexEntry } from '../progress/progress-book';
import type { OutputSpec } from '../export/output-spec';

export interface SummaryLayer {
  index: number;
  diffId: string;
  size: number | null;
  /** the export stage that produced it; absent for base-image layers */
  stage?: string;
}

export interface SummaryStage {
  id: string;
  name: string;
  /** diffIDs of the layers this stage produced, bottom-up */
  layers: string[];
  /** its layer op was answered from cache */
  cached: boolean;
  /** why its inputs differ from those of the image this build replaced (src/buildkit/build/why.ts); empty when they do not */
  because: string[];
}

export interface BuildSummary {
  /** BuildKit's id of the build (its Status stream and build-history record) */
  ref: string;
  image: { names: string[]; digest?: string; configDigest?: string };
  /** the image of the same name this build replaced, whose inputs `stages[].because` compares with; null when none (or it has no inputs label) */
  previous: { name: string; id: string } | null;
  outputs: { type: string; dest?: string }[];
  sourceDateEpoch: number;
  layers: SummaryLayer[];
  stages: SummaryStage[];
  timings: {
    planMs: number;
    solveMs: number;
    totalMs: number;
    /** the build returned when the image was exported; the daemon was still writing its history record */
    returnedAtExport: boolean;
    steps: { name: string; seconds: number; cached: boolean }[];
  };
  cached: string[];
  warnings: string[];
}

/**
 * Assigns the image's top layers to export stages: a squash stage makes one layer, a diff stage one per
 * operation. Left unassigned when the counts do not add up (e.g. a stage whose ops produced no change).
 */
export function assignStages(plan: PlanData, stageIds: string[], diffIds: string[], baseLayerCount: number | undefined): Map<string, string[]> {
  const stages = new Map(plan.export_phases.flatMap((p) => p.stages).map((s) => [s.id, s]));
  const counts = stageIds.map((id) => {
    const s = stages.get(id);
    return s?.layer === 'diff' ? Math.max(1, s.operations.length) : 1;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const out = new Map<string, string[]>();
  const start = diffIds.length - total;
  if (start < 0 || (baseLayerCount !== undefined && start !== baseLayerCount)) return out;
  let i = start;
  stageIds.forEach((id, k) => {
    out.set(id, diffIds.slice(i, i + counts[k]));
    i += counts[k];
  });
  return out;
}

export interface SummaryInput {
  ref: string;
  returnedAtExport: boolean;
  plan: PlanData;
  names: string[];
  outputs: OutputSpec[];
  exporterResponse: Record<string, string>;
  layers: { diffId: string; size: number | null }[];
  baseLayerCount?: number;
  stageLayers: string[];
  layerDigests: Record<string, string>;
  /** progress name of each stage's layer op (Docker re-digests ops below a resolved image; names stay) */
  layerNames: Record<string, string>;
  book: VertexBook;
  sourceDateEpoch: number;
  warnings: string[];
  planMs: number;
  solveMs: number;
  totalMs: number;
}

export function makeSummary(i: SummaryInput): BuildSummary {
  const byStage = assignStages(
    i.plan,
    i.stageLayers,
    i.layers.map((l) => l.diffId),
    i.baseLayerCount,
  );
  const stageOf = new Map<number, string>();
  const firstStageLayer = i.layers.length - [...byStage.values()].reduce((a, b) => a + b.length, 0);
  let idx = firstStageLayer;
  for (const [id, ls] of byStage) for (const _ of ls) stageOf.set(idx++, id);
  const names = new Map(i.plan.export_phases.flatMap((p) => p.stages).map((s) => [s.id, s.name]));
  const entries = [...i.book.entries.values()];
  return {
    ref: i.ref,
    image: { names: i.names, digest: i.exporterResponse['containerimage.digest'], configDigest: i.exporterResponse['containerimage.config.digest'] },
    previous: null,
    outputs: i.outputs.map((o) => ({ type: o.type, ...(o.dest ? { dest: o.dest } : {}) })),
    sourceDateEpoch: i.sourceDateEpoch,
    layers: i.layers.map((l, index) => ({ index, diffId: l.diffId, size: l.size, ...(stageOf.has(index) ? { stage: stageOf.get(index) } : {}) })),
    stages: i.stageLayers.map((id) => ({
      id,
      name: names.get(id) ?? id,
      layers: byStage.get(id) ?? [],
      cached: stageCached(i, id),
      because: [],
    })),
    timings: {
      planMs: i.planMs,
      solveMs: i.solveMs,
      totalMs: i.totalMs,
      returnedAtExport: i.returnedAtExport,
      steps: entries.map((e) => ({
        name: e.name,
        seconds: e.started !== undefined && e.completed !== undefined ? Math.round(e.completed - e.started) / 1000 : 0,
        cached: e.cached,
      })),
    },
    cached: entries.filter((e) => e.cached).map((e) => e.name),
    warnings: i.warnings,
  };
}

/**
 * A stage is cached when every step the daemon reported for it (`[stage-id] …` vertices) was answered from cache
 * or never run by this build; else by its layer op. A step of a successful build that never started was not run
 * by it: BuildKit had its result already, and sends no status for it when the build that made it is still being
 * recorded (a build started right after another shares its vertices).
 */
function stageCached(i: SummaryInput, id: string): boolean {
  const entries = [...i.book.entries.values()];
  const reused = (e: VertexEntry) => e.cached || (e.started === undefined && e.completed === undefined && !e.error);
  const steps = entries.filter((e) => e.name.startsWith(`[${id}] `));
  if (steps.length > 0) return steps.every(reused);
  const byDigest = i.book.entries.get(i.layerDigests[id]);
  if (byDigest) return reused(byDigest);
  const named = entries.filter((e) => e.name === i.layerNames[id]);
  return named.length > 0 && named.every(reused);
}
