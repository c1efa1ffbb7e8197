/** The Stack contract: recognises a kind of project and turns it into a Plan by choosing and ordering blocks. */
import type { PlanOptionsResolved } from '../planner/plan-options';
import type { PlanData } from '../planner/plan-schema';
import type { Project } from '../planner/project';

export interface StackResult {
  plan: PlanData;
  warnings: string[];
}

export interface Stack {
  name: string;
  detect(project: Project): boolean;
  plan(project: Project, options: PlanOptionsResolved): StackResult;
}
