/**
 * Why a stage's inputs differ from an earlier record: one short reason per change, most specific first
 * (`requirements.txt:3 numpy 1.26.4 → 2.0.0`, `cog.yaml:6 build.system_packages + bc`, `2 files changed:
 * predict.py, cog.yaml`, `base image A → B`), the stage's commands only when nothing more specific explains
 * them. A stage is compared on its own inputs: one built on a changed stage runs again without a reason.
 */
import type { PlanData, Stage } from '../plan-schema';
import { fileReasons } from './file-diff';
import { canonicalJson, type DepsRecord, type InputsRecord, type StageInputs } from './record';
import { allStages } from '../plan-walk';

export interface StageChange {
  id: string;
  /** the stage is in the old record only */
  removed?: boolean;
  because: string[];
}

const shown = (version: string): string => (version === '*' || version === '' ? '' : ` ${version}`);
/** Apt packages are keyed `system:<name>`. */
const depName = (key: string): string => key.replace(/^system:/, '');

function ownDeps(deps: DepsRecord, block: string): DepsRecord {
  return Object.fromEntries(Object.entries(deps).filter(([, d]) => d[2] === block));
}

/** Added, removed and re-versioned dependencies; a dependency whose line only moved is not a change. */
function depReasons(old: DepsRecord, now: DepsRecord): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) {
    const [o, n] = [old[key], now[key]];
    const name = depName(key);
    if (!o) out.push(`${n[1]} + ${name}${shown(n[0])}`);
    else if (!n) out.push(`${o[1]} - ${name}`);
    else if (o[0] !== n[0]) out.push(`${n[1]} ${name} ${o[0] || '*'} → ${n[0] || '*'}`);
  }
  return out;
}

function envReasons(old: Record<string, string>, now: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
  const changed = keys.filter((k) => old[k] !== now[k]).map((k) => (old[k] === undefined ? `+ ${k}` : now[k] === undefined ? `- ${k}` : k));
  return changed.length > 0 ? [`env ${changed.join(', ')}`] : [];
}

function sourceReason(old: string, now: string): string[] {
  if (old === now) return [];
  if (old.startsWith('image ') && now.startsWith('image ')) return [`base image ${old.slice(6)} → ${now.slice(6)}`];
  return [`starts from ${now} (was ${old})`];
}

function filesReasons(old: StageInputs, now: StageInputs): string[] {
  const out: string[] = [];
  const names = [...new Set([...Object.keys(old.files ?? {}), ...Object.keys(now.files ?? {})])].sort();
  for (const c of names) {
    const [o, n] = [old.files?.[c], now.files?.[c]];
    // one side without file digests (a plan JSON written without them): nothing to compare
    if (o && n) out.push(...fileReasons(o, n));
  }
  return out;
}

/**
 * The plan-wide dependencies whose new version the stage's commands name (e.g. `python3.12`, `torch==2.4.0`):
 * how a stage of another block changes when python or torch does.
 */
function versionsInCommands(old: InputsRecord, now: InputsRecord, stage: Stage | undefined): string[] {
  if (!stage || !old.deps || !now.deps) return [];
  const text = canonicalJson(stage.operations);
  const out: string[] = [];
  for (const [key, n] of Object.entries(now.deps)) {
    const o = old.deps[key];
    // dotted versions only: a bare `8` (cudnn) would be found in any command
    if (o && o[0] !== n[0] && /\d\.\d/.test(n[0]) && text.includes(n[0])) out.push(`${n[1]} ${depName(key)} ${o[0]} → ${n[0]}`);
  }
  return out;
}

function stageReasons(old: InputsRecord, now: InputsRecord, id: string, stage: Stage | undefined): string[] {
  const [o, n] = [old.stages[id], now.stages[id]];
  if (!o) return ['new stage'];
  const deps = old.deps && now.deps ? depReasons(ownDeps(old.deps, o.b), ownDeps(now.deps, n.b)) : [];
  if (deps.length === 0 && o.dh !== n.dh) deps.push('dependencies changed');
  const reasons = [...sourceReason(o.from, n.from), ...deps, ...filesReasons(o, n), ...envReasons(o.env, n.env)];
  if (o.ops !== n.ops && reasons.length === 0) {
    const versions = versionsInCommands(old, now, stage);
    reasons.push(...(versions.length > 0 ? versions : ['commands changed']));
  }
  return reasons;
}

/**
 * Every stage of `now` whose inputs differ from `old`, in `now`'s order, then the stages only `old` had.
 * `plan` (the plan `now` was made from) lets a changed command be traced to a changed version.
 */
export function diffInputs(old: InputsRecord, now: InputsRecord, plan?: PlanData): StageChange[] {
  const stages = new Map(plan ? allStages(plan).map((s) => [s.id, s]) : []);
  const out: StageChange[] = [];
  const ids = [...stages.keys()].filter((id) => now.stages[id]);
  for (const id of [...ids, ...Object.keys(now.stages).filter((id) => !stages.has(id))]) {
    const because = stageReasons(old, now, id, stages.get(id));
    if (because.length > 0) out.push({ id, because });
  }
  for (const id of Object.keys(old.stages)) if (!now.stages[id]) out.push({ id, removed: true, because: ['no longer in the plan'] });
  return out;
}
