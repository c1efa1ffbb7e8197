/**
 * Plan validation run before a plan is printed or built: every failure is a coded InternalError that
 * names the block whose stage is at fault (a bad plan is always a block's bug, never the user's).
 */
import { InternalError } from '../src/errors';
import { BUILD_PHASES, EXPORT_PHASES } from './plan';
import type { Input, PlanData, Stage } from './plan-schema';
import { isSecretDeclared, phaseKind } from './plan-walk';

interface Located {
  stage: Stage;
  /** position of the stage's phase in the global order: build phases, then export phases */
  phaseIndex: number;
  phase: string;
}

function fail(code: string, stage: Stage, message: string, hint: string): never {
  throw new InternalError(code, `block "${stage.block}", stage "${stage.id}": ${message}`, { hint });
}

function locate(plan: PlanData): { stages: Map<string, Located>; phases: Map<string, number> } {
  const stages = new Map<string, Located>();
  const phases = new Map<string, number>();
  [...plan.build_phases, ...plan.export_phases].forEach((ph, phaseIndex) => {
    if (phases.has(ph.name)) {
      throw new InternalError('E_PLAN_DUPLICATE_PHASE', `phase "${ph.name}" appears twice`, { hint: 'phase names are unique' });
    }
    phases.set(ph.name, phaseIndex);
    for (const stage of ph.stages) {
      const prev = stages.get(stage.id);
      if (prev) {
        fail('E_PLAN_DUPLICATE_STAGE', stage, `id already used by block "${prev.stage.block}"`, 'give each stage a unique id');
      }
      stages.set(stage.id, { stage, phaseIndex, phase: ph.name });
    }
  });
  return { stages, phases };
}

/** Every input a stage reads: its source, copy sources and mount sources. */
export function stageInputs(stage: Stage): Input[] {
  const inputs: Input[] = [stage.source];
  for (const op of stage.operations) {
    if (op.op === 'copy') inputs.push(op.from);
    if (op.op === 'exec') for (const m of op.mounts) if (m.type === 'bind') inputs.push(m.from);
  }
  return inputs;
}

function checkInputs(plan: PlanData, loc: Located, all: ReturnType<typeof locate>): void {
  const { stage } = loc;
  for (const input of stageInputs(stage)) {
    if (input.type === 'context' && !(input.name in plan.contexts)) {
      fail('E_PLAN_UNKNOWN_CONTEXT', stage, `reads context "${input.name}", which the plan does not declare`, 'add it with Plan.addContext');
    }
    if (input.type === 'stage') {
      const target = all.stages.get(input.id);
      if (!target) fail('E_PLAN_UNKNOWN_STAGE', stage, `reads unknown stage "${input.id}"`, 'read a stage added earlier');
      if (target.phaseIndex > loc.phaseIndex) {
        fail('E_PLAN_LATER_PHASE', stage, `reads stage "${input.id}" of the later phase "${target.phase}"`, 'read only earlier phases');
      }
    }
    if (input.type === 'phase') {
      const idx = all.phases.get(input.name);
      if (idx === undefined) fail('E_PLAN_UNKNOWN_PHASE', stage, `reads unknown phase "${input.name}"`, 'build on a planned phase (Plan.below())');
      if (idx > loc.phaseIndex) {
        fail('E_PLAN_LATER_PHASE', stage, `reads the later phase "${input.name}"`, 'read only earlier phases');
      }
    }
  }
  for (const op of stage.operations) {
    if (op.op !== 'exec') continue;
    for (const m of op.mounts) {
      if (m.type === 'secret' && !isSecretDeclared(plan, m.id)) {
        fail('E_PLAN_UNKNOWN_SECRET', stage, `mounts secret "${m.id}" missing from Plan.secrets`, 'add it with Plan.addSecret');
      }
    }
  }
}

/**
 * A stage built on a phase (or on a stage of one) must not skip a non-empty phase between that one and its own,
 * unless it declared it does not need it (`independent_of`): otherwise a block registered in the wrong place
 * silently builds a layer on the wrong state. A stage on the base image skips every earlier phase of its kind.
 * Scratch and context sources start a layer of its own and skip nothing.
 */
function checkSkips(plan: PlanData, loc: Located): void {
  const { stage } = loc;
  const kind = phaseKind(plan, loc.phase) === 'build' ? plan.build_phases : plan.export_phases;
  const own = kind.findIndex((p) => p.name === loc.phase);
  const declared = new Set(stage.independent_of ?? []);
  const order: readonly string[] = kind === plan.build_phases ? BUILD_PHASES : EXPORT_PHASES;
  for (const name of declared) {
    if (!(order.indexOf(name) >= 0 && order.indexOf(name) < order.indexOf(loc.phase))) {
      fail(
        'E_PLAN_INDEPENDENT_OF',
        stage,
        `declares independent_of "${name}", which is no phase before "${loc.phase}"`,
        `name phases of ${order.join(', ')} before its own`,
      );
    }
  }
  const src = stage.source;
  const baseRef = kind === plan.build_phases ? plan.base_image.build : plan.base_image.runtime;
  let from: number;
  if (src.type === 'phase') from = kind.findIndex((p) => p.name === src.name);
  else if (src.type === 'stage') from = kind.findIndex((p) => p.stages.some((s) => s.id === src.id));
  else if (src.type === 'image' && src.ref === baseRef) from = -1;
  else return; // scratch, a context or another image: a layer of its own, on nothing below it
  if (from < 0 && src.type !== 'image') return; // another kind's phase or stage: checkInputs judges those reads
  for (const skipped of kind.slice(from + 1, own)) {
    if (!declared.has(skipped.name)) {
      fail(
        'E_PLAN_SKIPPED_PHASE',
        stage,
        `is built on ${describe(src)} and skips the phase "${skipped.name}" below it`,
        `build it on the phases below it (Plan.below()), or declare independent_of: ["${skipped.name}"] if it does not need that phase`,
      );
    }
  }
}

function describe(input: Input): string {
  if (input.type === 'phase') return `phase "${input.name}"`;
  if (input.type === 'stage') return `stage "${input.id}"`;
  return input.type === 'image' ? `the image "${input.ref}"` : input.type;
}

/** Stage → the stages it depends on (a phase input means every stage of that phase and earlier same-kind phases). */
function edges(plan: PlanData, stage: Stage): string[] {
  const out: string[] = [];
  const kindOf = (name: string) => (phaseKind(plan, name) === 'build' ? plan.build_phases : plan.export_phases);
  for (const input of stageInputs(stage)) {
    if (input.type === 'stage') out.push(input.id);
    if (input.type === 'phase') {
      const phases = kindOf(input.name);
      const upTo = phases.findIndex((p) => p.name === input.name);
      for (const ph of phases.slice(0, upTo + 1)) out.push(...ph.stages.map((s) => s.id));
    }
  }
  return out;
}

function checkCycles(plan: PlanData, all: ReturnType<typeof locate>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const stage = all.stages.get(id)!.stage;
      fail('E_PLAN_CYCLE', stage, `is part of a cycle: ${[...path.slice(path.indexOf(id)), id].join(' → ')}`, 'a stage may only read earlier states');
    }
    state.set(id, 'visiting');
    for (const next of edges(plan, all.stages.get(id)!.stage)) visit(next, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of all.stages.keys()) visit(id, []);
}

/** Throws the first problem found; returns the plan unchanged when it is sound. */
export function validatePlan(plan: PlanData): PlanData {
  const all = locate(plan);
  for (const loc of all.stages.values()) {
    if (loc.stage.operations.length === 0) {
      fail('E_PLAN_EMPTY_STAGE', loc.stage, 'has no operations', 'drop the stage or give it work to do');
    }
    checkInputs(plan, loc, all);
    checkSkips(plan, loc);
  }
  checkCycles(plan, all);
  return plan;
}
