/**
 * The env a plan exec starts from, as a Dockerfile `FROM` gives it: the source image's config Env in its
 * order, then the stage's own env on top (a plan key replaces the image's value in place, so a plan PATH
 * replaces the image's PATH). Also lists the images whose config callers must fetch.
 */
import type { PlanData } from '../../planner/plan-schema';
import type { State } from '../state';
import { allStages, phaseKind } from '../../planner/plan-walk';

/** Config Env (`KEY=value` entries, as the image config stores them) per image ref exactly as the plan spells it. */
export type ImageEnv = Readonly<Record<string, readonly string[]>>;

/**
 * `KEY=value` → [KEY, value], split at the first `=`; a bare `KEY` is KEY with an empty value (what BuildKit's
 * Dockerfile frontend makes of it). An entry with no name cannot be set in an exec and is skipped.
 */
export function envPairs(list: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const entry of list) {
    const at = entry.indexOf('=');
    const key = at < 0 ? entry : entry.slice(0, at);
    if (key) pairs.push([key, at < 0 ? '' : entry.slice(at + 1)]);
  }
  return pairs;
}

/** `st` with exactly the image's env and then `stageEnv` over it (no image env: the stage's env alone, as before). */
export function stageStartEnv(st: State, imageEnv: readonly string[] | undefined, stageEnv: Readonly<Record<string, string>>): State {
  let out = st.clearEnv();
  for (const [k, v] of envPairs(imageEnv ?? [])) out = out.env(k, v);
  for (const [k, v] of Object.entries(stageEnv)) out = out.env(k, v);
  return out;
}

/**
 * The images whose Env can reach an exec: stage sources that are images, and the base of every phase a stage
 * starts from. Sorted and unique, so the CLI and the frontend ask for the same configs.
 */
export function envImageRefs(plan: PlanData): string[] {
  const refs = new Set<string>();
  for (const stage of allStages(plan)) {
    const src = stage.source;
    if (src.type === 'image') refs.add(src.ref);
    if (src.type === 'phase') refs.add(phaseKind(plan, src.name) === 'build' ? plan.base_image.build : plan.base_image.runtime);
  }
  return [...refs].sort();
}

/** The option planToLlb takes, from image configs by ref (null/absent config or Env = no entry). */
export function imageEnvOf(configs: Readonly<Record<string, { config?: { Env?: unknown } } | null | undefined>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const ref of Object.keys(configs).sort()) {
    const env = configs[ref]?.config?.Env;
    if (Array.isArray(env)) out[ref] = env.filter((e): e is string => typeof e === 'string');
  }
  return out;
}
