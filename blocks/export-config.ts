/**
 * export-config: the image config (CMD, WORKDIR /src, EXPOSE 5000 for cog models) and labels, including
 * `run.cog.config` (the effective cog.yaml as sorted JSON, as cog writes it) and the resolved versions.
 */
import type { PlanData } from '../planner/plan-schema';
import type { Project } from '../planner/project';
import { projectFileExists } from '../planner/project/fs-safe';
import tools from './data/tools.json';
import type { Block, BlockContext } from './support/block';

/** JSON with object keys sorted at every level: the same config always gives the same label bytes. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function effectiveCogConfig(ctx: BlockContext): unknown {
  const data = ctx.project.cog!.data;
  const r = ctx.resolution;
  const build = { ...data.build, python_version: r.python, gpu: ctx.project.gpu, ...(r.cuda ? { cuda: r.cuda.version, cudnn: r.cuda.cudnn } : {}) };
  return { ...data, build };
}

function appCmd(project: Project): string[] {
  const tool = project.pyproject?.tool.cmd;
  if (tool) return tool;
  const scripts = Object.keys(project.pyproject?.scripts ?? {}).sort();
  if (scripts.length >= 1) return [`/usr/local/bin/${scripts[0]}`];
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
    const deps = Object.fromEntries(Object.entries(ctx.resolution.dependencies).filter(([, d]) => d.resolved_version && d.resolved_version !== '*').map(([k, d]) => [k, d.resolved_version]));
    e.labels[tools.labels.dependencies] = stableJson(deps);
    e.labels[tools.labels.planVersion] = String(plan.data.version);
    if (ctx.project.cog) {
      e.cmd = ['python', '-m', 'cog.server.http'];
      e.exposed_ports = ['5000/tcp'];
      e.labels[tools.labels.config] = stableJson(effectiveCogConfig(ctx));
      Object.assign(e.env, cogEnv(ctx.project));
      if (ctx.project.cog.data.image) e.tags = [ctx.project.cog.data.image];
    } else {
      e.cmd = appCmd(ctx.project);
    }
  },
};
