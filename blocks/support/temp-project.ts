/** Test helper: writes a throwaway project directory from a file map and plans it with fixed options. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { planProject, type PlanOptions } from '../../planner';
import type { PlanData, Stage } from '../../planner/plan-schema';

export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cogpack-project-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

export async function planOf(dir: string, opts: PlanOptions = {}): Promise<PlanData> {
  return (await planProject(dir, { env: {}, ...opts })).plan;
}

export function stageOf(plan: PlanData, id: string): Stage | undefined {
  return [...plan.build_phases, ...plan.export_phases].flatMap((p) => p.stages).find((s) => s.id === id);
}
