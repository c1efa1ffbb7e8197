/** Walking a plan's phases, one way for every layer: each stage in order, the kind of a phase, the secret mounts. */
import type { PlanData, Stage } from './plan-schema';

/** Every stage of the plan: build phases, then export phases, each in order. */
export function allStages(plan: PlanData): Stage[] {
  return [...plan.build_phases, ...plan.export_phases].flatMap((p) => p.stages);
}

/** `build` for a build phase's name, else `export` (phase names are unique across both kinds). */
export function phaseKind(plan: PlanData, phase: string): 'build' | 'export' {
  return plan.build_phases.some((p) => p.name === phase) ? 'build' : 'export';
}

/** Every secret mount of the plan's exec operations, with the stage that mounts it. */
export function secretMounts(plan: PlanData): { stage: Stage; id: string; required: boolean }[] {
  const out: { stage: Stage; id: string; required: boolean }[] = [];
  for (const stage of allStages(plan)) {
    for (const op of stage.operations) {
      if (op.op !== 'exec') continue;
      for (const m of op.mounts) if (m.type === 'secret') out.push({ stage, id: m.id, required: Boolean(m.required) });
    }
  }
  return out;
}

/** A secret a mount names must be in plan.secrets, so the build's secret provider is asked for nothing else. */
export function isSecretDeclared(plan: PlanData, id: string): boolean {
  return plan.secrets.includes(id);
}
