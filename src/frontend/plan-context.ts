/**
 * The plan for a frontend build: a plan JSON entry file is used as is; otherwise the same `planProject`
 * as the CLI runs on a local copy of the context, fetching each file the planner reads on first use.
 */
import * as path from 'node:path';
import { parsePlan } from '../../planner';
import { planProject } from '../../stacks/plan-project';
import { loadImageMap } from '../../planner/image-map';
import type { PlanData } from '../../planner/plan-schema';
import { CogpackError } from '../errors';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import { projectFileDigests } from '../attest/facts';
import { ContextTree } from './context-tree';
import { readEntryFile, type EntryFile } from './entry-file';
import { plannerEnv, type FrontendOptions } from './options';

export interface PlannedBuild {
  plan: PlanData;
  warnings: string[];
  /** sha256 of the project files that decide what is installed (src/attest/facts.ts), when asked for */
  files?: Record<string, string>;
}

/** `COGPACK_COG_SDK=path.whl|DIR` names a wheel or wheelhouse inside the build context (the CLI resolves it from the cwd). */
function cogSdkIn(dir: string, spec: string | undefined): string | undefined {
  const s = spec?.trim();
  if (!s || s === 'pypi' || s === 'none') return spec;
  return path.resolve(dir, s.replace(/^\/+/, ''));
}

/**
 * Placeholders are all zero bytes, and the planner refuses a file with NULs (E_BINARY_FILE, naming it), so
 * that error on a placeholder means "fetch me": fetch and plan again. Each retry fetches a new file.
 */
async function planWithFaultIn(tree: ContextTree, opts: FrontendOptions): Promise<PlannedBuild> {
  const env = plannerEnv(opts);
  const options = { imageMap: loadImageMap([], env), cogSdk: cogSdkIn(tree.dir, env.COGPACK_COG_SDK), env };
  for (;;) {
    try {
      return await planProject(tree.dir, options);
    } catch (e) {
      const missing = e instanceof CogpackError && e.code === 'E_BINARY_FILE' && e.file ? tree.placeholderFor(e.file) : undefined;
      if (!missing) throw e;
      await tree.fetch(missing);
    }
  }
}

/**
 * Reads the entry file and the context at the same time (two syncs, one round trip of latency): the scan
 * starts before the entry's kind is known, except when -f names a .json plan, which needs no context.
 */
export async function planBuild(bridge: LlbBridge, opts: FrontendOptions, want: { fileDigests?: boolean } = {}): Promise<PlannedBuild & { entry: EntryFile }> {
  const load = () => ContextTree.load(bridge, { contextKey: opts.contextKey, sessionId: opts.sessionId });
  const early = opts.filename && /\.json$/i.test(opts.filename) ? undefined : load();
  early?.catch(() => undefined); // awaited below; an entry-file error must not leave it unhandled
  let entry: EntryFile;
  try {
    entry = await readEntryFile(bridge, opts);
  } catch (e) {
    (await early?.catch(() => undefined))?.dispose();
    throw e;
  }
  if (entry.kind === 'plan') {
    (await early?.catch(() => undefined))?.dispose();
    return { entry, plan: parsePlan(entry.text, entry.name), warnings: [] };
  }
  const tree = await (early ?? load());
  try {
    if (entry.kind === 'cog' || entry.kind === 'pyproject') tree.writeEntry(entry.name, entry.text);
    const planned = await planWithFaultIn(tree, opts);
    if (!want.fileDigests) return { entry, ...planned };
    const fetch = async (rel: string) => {
      const missing = tree.placeholderFor(rel);
      if (missing) await tree.fetch(missing);
    };
    return { entry, ...planned, files: await projectFileDigests(planned.plan, { dir: tree.dir, fetch }) };
  } finally {
    tree.dispose();
  }
}
