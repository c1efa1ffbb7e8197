/**
 * The provenance facts both build paths gather the same way: which project files decide what gets installed
 * (and their sha256), the base images the plan pulls with the digests the daemon resolves, and cogpack's version.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { envImageRefs } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { PLANNER_BUILD_ARGS } from '../buildkit/build/build-args';
import type { LlbBridge } from '../buildkit/gateway/bridge';

/** Files at the context root that decide the build whenever they are there (the planner reads them). */
const ROOT_FILES = ['cog.yaml', 'cog.yml', 'pyproject.toml', 'uv.lock', '.python-version', 'poetry.lock'];
/** A project file named in a dependency's source, e.g. `requirements/base.txt:2`, `uv.lock requires-python`. */
const SOURCE_FILE = /(?<![\w./-])((?:[\w.-]+\/)*(?:[\w.-]*\.(?:ya?ml|toml|lock|txt|in|cfg)|\.python-version))(?=:\d|[\s;]|$)/g;
/** Plan contexts that are model weights, not dependencies (often gigabytes; the inputs label digests them). */
const WEIGHTS_CONTEXT = /^weights(-|$)/;
/** At most this many files are listed under one included directory (a wheelhouse), in byte order. */
const MAX_DIR_FILES = 1000;

/** Project-relative paths (unchecked) that may decide what the image installs. */
export function candidateFiles(plan: PlanData): string[] {
  const out = new Set(ROOT_FILES);
  for (const d of Object.values(plan.dependencies)) for (const m of d.source.matchAll(SOURCE_FILE)) out.add(path.posix.normalize(m[1]));
  for (const [name, ctx] of Object.entries(plan.contexts)) {
    if (ctx.path !== '.' || WEIGHTS_CONTEXT.test(name)) continue;
    for (const inc of ctx.include ?? []) out.add(path.posix.normalize(inc));
  }
  return [...out].filter((p) => !p.startsWith('../') && !path.posix.isAbsolute(p)).sort();
}

/** Reading the context: a local directory (the CLI), or the frontend's copy that fetches a file on first read. */
export interface ContextReader {
  dir: string;
  /** makes `rel` readable under `dir` (the frontend fetches it; the CLI's files are there) */
  fetch?(rel: string): Promise<void>;
}

/** sha256 of every candidate that is a regular file (directories: their files, recursively), by relative path. */
export async function projectFileDigests(plan: PlanData, reader: ContextReader): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const files: string[] = [];
  for (const rel of candidateFiles(plan)) files.push(...listFiles(reader.dir, rel));
  for (const rel of [...new Set(files)].sort()) {
    await reader.fetch?.(rel);
    out[rel] = createHash('sha256')
      .update(fs.readFileSync(path.join(reader.dir, rel)))
      .digest('hex');
  }
  return out;
}

function listFiles(dir: string, rel: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path.join(dir, rel));
  } catch {
    return [];
  }
  if (st.isFile()) return [rel];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  const walk = (r: string): void => {
    for (const e of fs.readdirSync(path.join(dir, r), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= MAX_DIR_FILES) return;
      const child = `${r}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk(rel);
  return out;
}

/** Every image the plan's LLB pulls: the runtime base and each stage's starting image. */
export function planImageRefs(plan: PlanData): string[] {
  return [...new Set([plan.base_image.runtime, plan.base_image.build, ...envImageRefs(plan)])].sort();
}

/** Each image's digest as the daemon resolves it (prefer its own store, as the build does); unknown stays absent. */
export async function baseImageDigests(
  bridge: Pick<LlbBridge, 'resolveImageConfig'>,
  plan: PlanData,
  sessionId?: string,
): Promise<{ ref: string; digest?: string }[]> {
  const platform = { OS: plan.platform.os, Architecture: plan.platform.arch };
  return Promise.all(
    planImageRefs(plan).map(async (ref) => {
      const res = await bridge.resolveImageConfig(ref, platform, { resolveMode: 'local', sessionId }).catch(() => undefined);
      return res?.digest ? { ref, digest: res.digest } : { ref };
    }),
  );
}

/**
 * Build args whose values provenance may show: those that configure cogpack or the image's timestamps. Every
 * other one (proxies, which may hold a password; args nothing reads) is shown by name only.
 */
export const SHOWN_BUILD_ARGS: ReadonlySet<string> = new Set([...PLANNER_BUILD_ARGS, 'SOURCE_DATE_EPOCH']);

/**
 * cogpack's version: esbuild inlines package.json into the bundles (the frontend image has no other copy);
 * from the checkout or dist/ it is read from the package root.
 */
export function cogpackVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    }
    return '0.0.0';
  }
}
