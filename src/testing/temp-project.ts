/** Test helper: writes a throwaway project directory from a file map and plans it with fixed options. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { planProject, type PlanOptions } from '../../stacks/plan-project';
import type { PlanData, Stage } from '../../planner/plan-schema';
import { allStages } from '../../planner/plan-walk';

/** The predictors a cog.yaml names (`run: "predict.py:Predictor"`): file and name. The planner refuses a missing file. */
const PREDICTOR_RE = /^(?:run|predict|train):\s*["']?([^"':\s]+\.py):(\w+)/gm;

/** Writes the files, plus a minimal predictor (a function per name) for each file cog.yaml names that the map leaves out. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cogpack-project-'));
  const stubs: Record<string, string> = {};
  for (const [, file, name] of (files['cog.yaml'] ?? '').matchAll(PREDICTOR_RE)) {
    if (!(file in files)) stubs[file] = `${stubs[file] ?? ''}def ${name}() -> str:\n    return "ok"\n`;
  }
  const all = { ...stubs, ...files };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

export async function planOf(dir: string, opts: PlanOptions = {}): Promise<PlanData> {
  return (await planProject(dir, { env: {}, ...opts })).plan;
}

export function stageOf(plan: PlanData, id: string): Stage | undefined {
  return allStages(plan).find((s) => s.id === id);
}
