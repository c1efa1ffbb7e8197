/**
 * `cogpack plan [DIR]`: prints the project's build plan, as deterministic JSON (--json) or a short
 * summary. The planner is required lazily so other commands do not pay for loading it.
 */
import type { Command } from 'commander';
import type { PlanData } from '../../planner/plan-schema';
import { UsageError } from '../errors';
import { writeOut } from '../startup/write-out';
import { setZodJitless } from '../startup/zod-jitless';

export interface PlanCommandOptions {
  json?: boolean;
  imageMap?: string[];
  cogSdk?: string;
  /** with json: the plan with its dev.cogpack.inputs label, as `cogpack build` labels the image */
  inputs?: boolean;
  /** an image name or a plan JSON file to compare the project's stage inputs with */
  diff?: string;
}

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

/** What a stage is built on, in a word: the phase, stage or image below it (the plan's graph). */
function builtOn(source: PlanData['export_phases'][number]['stages'][number]['source']): string {
  switch (source.type) {
    case 'phase':
      return source.name;
    case 'stage':
      return source.id;
    case 'image':
      return source.ref;
    case 'context':
      return `context ${source.name}`;
    default:
      return source.type;
  }
}

/** The human summary: stack, blocks, resolved versions, stages per phase and what each is built on. No paths, no clock. */
export function summarizePlan(plan: PlanData): string {
  const out = [`stack: ${plan.stack}`, `blocks: ${plan.blocks.join(', ')}`, `base image: ${plan.base_image.runtime}`, 'resolved:'];
  for (const d of Object.values(plan.dependencies)) {
    if (d.resolved_version && d.resolved_version !== '*') out.push(`  ${d.name} ${d.resolved_version}  (${d.source})`);
  }
  for (const [kind, phases] of [
    ['build', plan.build_phases],
    ['layers', plan.export_phases],
  ] as const) {
    if (phases.length === 0) continue;
    out.push(`${kind}:`);
    for (const p of phases) out.push(`  ${p.name}: ${p.stages.map((s) => `${s.id} (${s.name}) on ${builtOn(s.source)}`).join(', ')}`);
  }
  out.push(`cmd: ${JSON.stringify(plan.export.cmd)}  workdir: ${plan.export.working_dir}`);
  if (plan.secrets.length > 0) out.push(`secrets: ${plan.secrets.join(', ')}`);
  const schema = plan.openapi_schema;
  if (schema)
    out.push(
      schema.made_at === 'plan'
        ? 'openapi schema: made statically (label run.cog.openapi_schema, /src/.cog/openapi_schema.json)'
        : `openapi schema: needs the runtime (${schema.reason})`,
    );
  return `${out.join('\n')}\n`;
}

export async function runPlan(dir: string, opts: PlanCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  // a one-shot process parses each schema about once: zod's JIT (new Function per schema) costs more
  // than it saves here (measured: -20% CPU for `plan --json`); the plan output is identical. Set
  // without loading zod: from the plan bundle, a valid project never needs it.
  setZodJitless();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { planProject } = require('../../stacks/plan-project') as typeof import('../../stacks/plan-project');
  const { loadImageMap } = require('../../planner/image-map') as typeof import('../../planner/image-map');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { plan, warnings, json } = await planProject(dir, { imageMap: loadImageMap(opts.imageMap ?? [], env), cogSdk: opts.cogSdk, env });
  for (const w of warnings) writeOut(`cogpack: warning: ${w}\n`, 'stderr');
  if (opts.diff !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { planDiff } = require('./plan-diff') as typeof import('./plan-diff');
    return planDiff(dir, plan, opts.diff, Boolean(opts.json), env);
  }
  if (opts.inputs) {
    if (!opts.json) throw new UsageError('E_PLAN_FLAG', '--inputs only changes the --json output', { hint: 'pass --json --inputs' });
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { inputsRecord, withInputsLabel } = require('../../planner/inputs') as typeof import('../../planner/inputs');
    const { serializePlan } = require('../../planner/plan') as typeof import('../../planner/plan');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return serializePlan(withInputsLabel(plan, await inputsRecord(plan, dir, env)));
  }
  return opts.json ? json : summarizePlan(plan);
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('detect the project and print its build plan')
    .argument('[dir]', 'project directory', '.')
    .option('--json', 'print the full plan as JSON (deterministic bytes)')
    .option('--image-map <SRC=DST>', 'substitute a base image (repeatable; also COGPACK_IMAGE_MAP, comma separated)', collect)
    .option(
      '--cog-sdk <pypi|none|PATH.whl|DIR>',
      "where the cog SDK comes from (default pypi; also COGPACK_COG_SDK); a wheel's directory also holds its dependencies",
    )
    .option('--inputs', 'with --json: add the dev.cogpack.inputs label (file digests of what each stage reads) that cogpack build puts in the image')
    .option(
      '--diff <old>',
      "print which stages' inputs differ from OLD (an image in the Docker daemon, or a plan JSON file) and why, without building; with --json as stages[].because",
    )
    .action(async (dir: string, opts: PlanCommandOptions) => {
      writeOut(await runPlan(dir, opts));
    });
}
