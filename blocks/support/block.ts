/**
 * The Block contract: a unit of planning that detects whether it applies, asks the resolver for what it
 * needs, and contributes stages/config to the Plan. Blocks never call each other; state flows through
 * the Plan and the Resolution.
 */
import type { Project } from '../../planner/project';
import type { Plan } from '../../planner/plan';
import type { DependencyRequest, FrameworkResolver, Resolution } from '../../planner/resolver/types';
import type { PlanOptionsResolved } from '../../planner/plan-options';

export type { CogSdkSource, PlanOptionsResolved } from '../../planner/plan-options';

export interface BlockContext {
  project: Project;
  resolution: Resolution;
  options: PlanOptionsResolved;
  /** one line each, printed by the CLI; blocks append, never print */
  warnings: string[];
}

export interface Block {
  /** equals the file name in blocks/ */
  name: string;
  detect(project: Project, options: PlanOptionsResolved): boolean;
  dependencies(project: Project, options: PlanOptionsResolved): DependencyRequest[];
  plan(ctx: BlockContext, plan: Plan): void;
}

/**
 * A block that installs a framework in a stage of its own (blocks/frameworks.ts lists them): its resolver is
 * registered with the one resolver, and the requirements blocks (pip, uv) leave the distributions it owns to it.
 */
export interface FrameworkBlock extends Block {
  framework: FrameworkResolver;
  /** it requests its distributions' uv.lock pins itself (they pick the CUDA base), so uv does not record them */
  requestsLockedPins?: boolean;
}
