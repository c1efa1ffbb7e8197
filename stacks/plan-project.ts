/**
 * planProject: planning's entry point (used by `cogpack plan`, `build`, `llb` and the frontend): reads the
 * project, lets the first matching stack plan it, and returns a validated Plan plus warnings. It sits above
 * the stacks it selects from, so it lives here and not in planner/.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { PlanOptionsResolved } from '../planner/plan-options';
import { ConfigError } from '../src/errors';
import { parseCogSdk } from '../planner/cog-sdk-source';
import { selectStack } from './index';
import type { PlanData } from '../planner/plan-schema';
import { serializePlan } from '../planner/plan';
import { predictorChecks } from '../planner/cog-predictor';
import { loadProject } from '../planner/project';

export interface PlanOptions {
  imageMap?: Record<string, string>;
  /** 'pypi' | 'none' | path to a cog .whl or a directory holding one (relative to the current directory) */
  cogSdk?: string;
  env?: NodeJS.ProcessEnv;
  /** a cog.yaml without run/predict/train is an error (`cogpack build`, as `cog build`), not a warning */
  requirePredictor?: boolean;
}

export interface PlannedProject {
  plan: PlanData;
  warnings: string[];
  /** serializePlan(plan): the `plan --json` bytes, already made here (a second pass costs a schema parse) */
  json: string;
}

export async function planProject(dir: string, opts: PlanOptions = {}): Promise<PlannedProject> {
  const env = opts.env ?? process.env;
  const root = resolvePath(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ConfigError('E_PROJECT_DIR', `project directory "${dir}" does not exist`, { hint: 'pass the directory that holds cog.yaml' });
  }
  const options: PlanOptionsResolved = {
    cogSdk: parseCogSdk(opts.cogSdk ?? env.COGPACK_COG_SDK, root),
    imageMap: opts.imageMap ?? {},
  };
  const project = loadProject(root, env);
  const checks = project.cog ? predictorChecks(project.cog, options.cogSdk, opts.requirePredictor ?? false) : [];
  const { plan, warnings } = await selectStack(project).plan(project, options);
  warnings.push(...checks);
  // Hand out the canonical form (record keys sorted as in `cogpack plan --json`), so an image built from the
  // in-memory plan and one built from the printed plan get the same config bytes (e.g. Env order).
  const json = serializePlan(plan);
  return { plan: JSON.parse(json) as PlanData, warnings, json };
}
