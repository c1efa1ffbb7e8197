/**
 * The inputs record of a planned project (`dev.cogpack.inputs`): made by `cogpack build` (the label of the image)
 * and `cogpack plan --json --inputs`, compared by `build` against the image it replaces and by `plan --diff`.
 */
import type { PlanData } from '../plan-schema';
import { planFiles } from './files';
import { INPUTS_LABEL, inputsRecordOf, serializeInputs, type InputsRecord } from './record';

export { diffInputs, type StageChange } from './diff';
export { INPUTS_LABEL, inputsRecordOf, serializeInputs, type InputsRecord } from './record';

/** The record of a plan with the file digests of every context, read from `projectDir` (`env`: the digest cache's place). */
export async function inputsRecord(plan: PlanData, projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<InputsRecord> {
  return inputsRecordOf(plan, await planFiles(projectDir, plan.contexts, env));
}

/** The plan with the record as its `dev.cogpack.inputs` label (so the image config carries it). */
export function withInputsLabel(plan: PlanData, record: InputsRecord): PlanData {
  return { ...plan, export: { ...plan.export, labels: { ...plan.export.labels, [INPUTS_LABEL]: serializeInputs(record) } } };
}

/**
 * The record in a label's text, or undefined when it is not one this cogpack reads (another version, damaged).
 * The schema is required here, on use: the command bundles answer it with a generated checker, so no zod
 * loads for a label that is fine (scripts/command-bundle.ts SCHEMA_MODULES).
 */
export function parseInputs(text: string): InputsRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parsed = (require('./schema') as typeof import('./schema')).InputsRecordSchema.safeParse(raw);
  return parsed.success ? (parsed.data as InputsRecord) : undefined;
}

/** The record a plan JSON carries in its label, else the one its stages give without file digests. */
export function recordOfPlanJson(plan: PlanData): InputsRecord {
  const label = plan.export.labels[INPUTS_LABEL];
  const parsed = label ? parseInputs(label) : undefined;
  return parsed ?? inputsRecordOf(plan);
}
