/**
 * "Why was this rebuilt": reads the `dev.cogpack.inputs` label of the image a build is about to replace (or
 * of any image, for `cogpack plan --diff`) from Docker's store, and turns the differences between that record
 * and the new one into `stages[].because` and the one-line-per-stage report.
 */
import { diffInputs, INPUTS_LABEL, parseInputs, type InputsRecord, type StageChange } from '../../../planner/inputs';
import type { PlanData } from '../../../planner/plan-schema';
import type { BuildkitConnection } from '../connection/connection';
import { dockerFor, inspectImage, type DockerApi } from '../connection/docker-api';
import type { BuildSummary } from './summary';

export interface PreviousImage {
  /** the name it was found under */
  name: string;
  /** Docker's image id (with the containerd store, the manifest digest) */
  id: string;
  /** its inputs record; undefined when it has no readable `dev.cogpack.inputs` label */
  record?: InputsRecord;
}

/** The image `ref` as stored in Docker, with its inputs record; null when Docker does not have it. */
export async function previousImage(docker: DockerApi, ref: string): Promise<PreviousImage | null> {
  const info = await inspectImage(docker, ref);
  if (!info) return null;
  const labels = (info.Config?.Labels ?? {}) as Record<string, string>;
  const label = labels[INPUTS_LABEL];
  return { name: ref, id: info.Id, record: label ? parseInputs(label) : undefined };
}

/**
 * The first of the build's image names that Docker already has (the image the build will replace). Looked up
 * before the solve, which moves the name to the new image. Nothing on a standalone buildkitd (no image store)
 * and nothing when the lookup fails: the build does not depend on it.
 */
export async function imageToReplace(conn: BuildkitConnection, names: string[]): Promise<PreviousImage | null> {
  const docker = dockerFor(conn);
  if (!docker) return null;
  for (const name of names) {
    const found = await previousImage(docker, name).catch(() => null);
    if (found) return found;
  }
  return null;
}

/** The summary with `stages[].because` (and `previous`) filled from the record of the replaced image. */
export function withReasons(summary: BuildSummary, previous: PreviousImage | null, record: InputsRecord, plan: PlanData): BuildSummary {
  if (!previous?.record) return summary;
  const because = new Map(diffInputs(previous.record, record, plan).map((c) => [c.id, c.because]));
  return {
    ...summary,
    previous: { name: previous.name, id: previous.id },
    stages: summary.stages.map((s) => ({ ...s, because: because.get(s.id) ?? [] })),
  };
}

/** `stage-id: reason; reason`, one line per changed stage. */
export function describeChanges(changes: Pick<StageChange, 'id' | 'because'>[]): string[] {
  return changes.filter((c) => c.because.length > 0).map((c) => `${c.id}: ${c.because.join('; ')}`);
}
