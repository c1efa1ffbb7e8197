/**
 * Says what made a build definition too large for the daemon when one input clearly did: the image
 * environment (cog.yaml `environment` / tool.cogpack.environment) is copied into every exec of the build
 * stages that see it and into the image config, so one large value counts many times over.
 */
import type { PlanData } from '../../../planner/plan-schema';
import { isCogpackError } from '../../errors';
import { BuildError } from '../errors';
import { allStages } from '../../../planner/plan-walk';

/** Bytes the image environment's `NAME=value` pairs take across the plan (stage env, exec env, image config). */
export function environmentBytes(plan: PlanData): { bytes: number; largest?: string } {
  const image = plan.export.env;
  const pair = (k: string) => Buffer.byteLength(k) + 1 + Buffer.byteLength(image[k]);
  let bytes = 0;
  const count = (env: Record<string, string>) => {
    for (const [k, v] of Object.entries(env)) if (image[k] === v) bytes += pair(k);
  };
  count(image);
  for (const stage of allStages(plan)) {
    count(stage.env);
    for (const op of stage.operations) if (op.op === 'exec') count(op.env);
  }
  const largest = Object.keys(image).sort((a, b) => pair(b) - pair(a))[0];
  return { bytes, largest };
}

/** E_DEFINITION_TOO_LARGE whose main cause is the environment gets a hint naming it; other errors pass through. */
export function explainTooLarge(e: unknown, plan: PlanData, definitionBytes: number): unknown {
  if (!isCogpackError(e) || e.code !== 'E_DEFINITION_TOO_LARGE') return e;
  const env = environmentBytes(plan);
  if (!env.largest || env.bytes * 2 < definitionBytes) return e;
  const mib = (env.bytes / (1024 * 1024)).toFixed(1);
  return new BuildError(
    e.code,
    `${e.message}; the environment is ${mib} MiB of it (${env.largest} is the largest variable; each build step that sees it carries a copy)`,
    {
      hint: `keep large values out of environment: put ${env.largest}'s value in a file in the project and read it at run time`,
      cause: e,
    },
  );
}
