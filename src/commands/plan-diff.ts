/**
 * `cogpack plan --diff OLD`: which stages' inputs differ between OLD (an image in the Docker daemon, or a plan
 * JSON file) and the project as it is now, without building. Loaded only for --diff / --inputs.
 */
import * as fs from 'node:fs';
import { diffInputs, inputsRecord, recordOfPlanJson, type InputsRecord, type StageChange } from '../../planner/inputs';
import { parsePlan } from '../../planner/plan';
import type { PlanData } from '../../planner/plan-schema';
import { connectBuildkit } from '../buildkit/connection/connection';
import { dockerFor } from '../buildkit/connection/docker-api';
import { describeChanges, previousImage } from '../buildkit/build/why';
import { UsageError } from '../errors';
import { allStages } from '../../planner/plan-walk';

/** OLD's record: a file is a plan JSON (its label, else its stages without file digests); anything else an image name. */
async function oldRecord(old: string, env: NodeJS.ProcessEnv): Promise<InputsRecord> {
  if (fs.statSync(old, { throwIfNoEntry: false })?.isFile()) return recordOfPlanJson(parsePlan(fs.readFileSync(old, 'utf8'), old));
  const conn = await connectBuildkit({ env });
  try {
    const docker = dockerFor(conn);
    if (!docker) {
      throw new UsageError('E_DIFF_OLD', `--diff ${old}: no such file, and ${conn.addr} is a standalone BuildKit with no image store`, {
        hint: 'pass a plan JSON (cogpack plan --json --inputs > plan.json) or reach a Docker daemon with DOCKER_HOST',
      });
    }
    const found = await previousImage(docker, old);
    if (!found)
      throw new UsageError('E_DIFF_OLD', `--diff ${old}: no such file, and Docker has no image of that name`, {
        hint: 'name an image in `docker image ls` or a plan JSON file',
      });
    if (!found.record) {
      throw new UsageError('E_DIFF_OLD', `--diff ${old}: the image has no dev.cogpack.inputs label (built by another tool or an older cogpack)`, {
        hint: 'rebuild it with cogpack build, or compare with a plan JSON from cogpack plan --json --inputs',
      });
    }
    return found.record;
  } finally {
    conn.close();
  }
}

/** The comparison as text (one line per changed stage) or as JSON (`stages[].because` like `build --json`, plus `removed`). */
export async function planDiff(dir: string, plan: PlanData, old: string, json: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  const [before, now] = await Promise.all([oldRecord(old, env), inputsRecord(plan, dir, env)]);
  const changes: StageChange[] = diffInputs(before, now, plan);
  if (json) {
    const because = new Map(changes.map((c) => [c.id, c.because]));
    const stages = allStages(plan).map((s) => ({ id: s.id, because: because.get(s.id) ?? [] }));
    return `${JSON.stringify({ old, stages, removed: changes.filter((c) => c.removed).map((c) => c.id) }, null, 2)}\n`;
  }
  const lines = describeChanges(changes);
  return lines.length > 0 ? `${lines.join('\n')}\n` : `no stage's inputs changed since ${old}\n`;
}
