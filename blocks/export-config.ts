/**
 * export-config: the image config (CMD, WORKDIR /src, EXPOSE 5000 for cog models) and labels, including
 * cog's `run.cog.config` (the effective cog.yaml, as cog marshals it), `run.cog.version` (the SDK version, when
 * the plan knows it), `run.cog.has_init`, and `dev.cogpack.dependencies`,
 * what the plan knows of the image's versions for `docker inspect` readers: `versions` holds exact ones
 * (python, CUDA, torch, pinned packages), `constraints` what pip was left to resolve at build time (`>=9`).
 */
import type { PlanData } from '../planner/plan-schema';
import type { Project } from '../planner/project';
import { projectFileExists } from '../planner/project/fs-safe';
import { normalizeName } from '../planner/project/requirements';
import { ConfigError } from '../src/errors';
import tools from './data/tools.json';
import type { Block, BlockContext } from './support/block';
import { cogConfigJson } from './support/cog-config-json';

/** JSON with object keys sorted at every level: the same config always gives the same label bytes. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function cogConfigLabel(ctx: BlockContext): string {
  const r = ctx.resolution;
  return cogConfigJson(ctx.project.cog!.data, {
    python: r.python,
    gpu: ctx.project.gpu,
    cuda: r.cuda ? { version: r.cuda.version, cudnn: r.cuda.cudnn } : undefined,
  });
}

/** The SDK version the image gets, when the plan knows it (a wheel's, or a PyPI pin); else the build reads it back. */
function sdkVersion(ctx: BlockContext): string | undefined {
  const sdk = ctx.options.cogSdk;
  if (sdk.kind === 'wheel') return sdk.version;
  const pin = ctx.project.cog!.data.build?.sdk_version;
  return sdk.kind === 'pypi' && pin && pin !== 'prerelease' ? pin : undefined;
}

/** A version the resolver settled (`3.11`, `2.3.1+cpu`), as opposed to a specifier pip resolves (`>=9`, `<2`). */
const EXACT_RE = /^[0-9][0-9A-Za-z.+!_-]*$/;

/** The label value: sorted, so the same plan gives the same bytes; packages with no version at all ("*") are left out. */
export function dependenciesLabel(deps: BlockContext['resolution']['dependencies']): string {
  const versions: Record<string, string> = {};
  const constraints: Record<string, string> = {};
  for (const [key, d] of Object.entries(deps)) {
    if (!d.resolved_version || d.resolved_version === '*') continue;
    (EXACT_RE.test(d.resolved_version) ? versions : constraints)[key] = d.resolved_version;
  }
  return stableJson({ constraints, versions });
}

/**
 * The CMD of an app without cog.yaml: [tool.cogpack] cmd, else its [project.scripts] entry: the only one,
 * or the one named like the project (`my-app` for project `my-app`/`my_app`, as `uv init --package`
 * makes). Several others are ambiguous: an error names them rather than picking one by spelling.
 */
export function appCmd(project: Project): string[] {
  const py = project.pyproject;
  if (py?.tool.cmd) return py.tool.cmd;
  const scripts = Object.keys(py?.scripts ?? {}).sort();
  const named = scripts.filter((s) => py?.name !== undefined && normalizeName(s) === normalizeName(py.name));
  const pick = scripts.length === 1 ? scripts : named;
  if (pick.length === 1) return [`/usr/local/bin/${pick[0]}`];
  if (scripts.length > 1) {
    throw new ConfigError(
      'E_ENTRY_POINT_AMBIGUOUS',
      `[project.scripts] has ${scripts.length} entries (${scripts.join(', ')}) and none is named like the project`,
      {
        file: py!.file,
        line: py!.scriptLine(),
        hint: `choose one in [tool.cogpack]: cmd = ["${scripts[0]}"]`,
      },
    );
  }
  for (const f of ['main.py', 'app.py']) if (projectFileExists(project.dir, f)) return ['python', f];
  return ['python'];
}

function cogEnv(project: Project): Record<string, string> {
  const d = project.cog!.data;
  const env: Record<string, string> = {};
  const predictor = d.run ?? d.predict;
  if (predictor) env.COG_PREDICT_TYPE_STUB = predictor;
  if (d.train) env.COG_TRAIN_TYPE_STUB = d.train;
  if (d.concurrency) env.COG_MAX_CONCURRENCY = String(d.concurrency.max);
  return env;
}

export const exportConfig: Block = {
  name: 'export-config',
  detect: () => true,
  dependencies: () => [],
  plan(ctx, plan) {
    const e: PlanData['export'] = plan.data.export;
    e.working_dir = '/src';
    e.labels[tools.labels.dependencies] = dependenciesLabel(ctx.resolution.dependencies);
    e.labels[tools.labels.planVersion] = String(plan.data.version);
    if (ctx.project.cog) {
      e.cmd = ['python', '-m', 'cog.server.http'];
      e.exposed_ports = ['5000/tcp'];
      e.labels[tools.labels.config] = cogConfigLabel(ctx);
      e.labels[tools.labels.hasInit] = 'true'; // as cog: the image's CMD runs its own init (the cog server)
      const version = sdkVersion(ctx);
      if (version) e.labels[tools.labels.cogVersion] = version;
      Object.assign(e.env, cogEnv(ctx.project));
      if (ctx.project.cog.data.image) e.tags = [ctx.project.cog.data.image];
    } else {
      e.cmd = appCmd(ctx.project);
    }
  },
};
