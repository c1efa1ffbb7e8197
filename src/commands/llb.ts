/** `cogpack llb`: the project's Plan as BuildKit LLB, raw Definition bytes (for `buildctl build`) or a JSON dump. */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { planToLlb, type LlbResult } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { loadImageMap } from '../../planner/image-map';
import { parsePlan } from '../../planner/plan';
import { planProject } from '../../stacks/plan-project';
import { readFlagFile } from '../regular-file';

export interface LlbCommandOptions {
  json?: boolean;
  imageMap?: string[];
  cogSdk?: string;
  plan?: string;
  sessionId?: string;
  noCache?: boolean;
}

async function readPlan(dir: string, opts: LlbCommandOptions, env: NodeJS.ProcessEnv): Promise<{ plan: PlanData; warnings: string[] }> {
  if (opts.plan) {
    const file = path.resolve(opts.plan);
    if (!fs.existsSync(file)) throw new UsageError('E_PLAN_FILE', `plan file ${opts.plan} does not exist`);
    return { plan: parsePlan(readFlagFile(file, 'json', '--plan').toString('utf8'), opts.plan), warnings: [] };
  }
  const imageMap = loadImageMap(opts.imageMap ?? [], env);
  return planProject(path.resolve(dir), { imageMap, cogSdk: opts.cogSdk, env });
}

/** The `--json` document: stable key order, ops inputs-first. */
export function llbJson(llb: LlbResult): string {
  const doc = { result: llb.result, stage_layers: llb.stageLayers, image_config: llb.imageConfig, ops: llb.dump() };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export async function runLlb(dir: string, opts: LlbCommandOptions, out: NodeJS.WritableStream & { isTTY?: boolean }, env = process.env): Promise<void> {
  const { plan, warnings } = await readPlan(dir, opts, env);
  for (const w of warnings) process.stderr.write(`cogpack: warning: ${w}\n`);
  const llb = planToLlb(plan, { sessionId: opts.sessionId, noCache: opts.noCache });
  if (opts.json) {
    out.write(llbJson(llb));
    return;
  }
  if (out.isTTY)
    throw new UsageError('E_BINARY_TTY', 'refusing to write binary LLB to a terminal', { hint: 'pipe it (cogpack llb | buildctl build …) or use --json' });
  out.write(Buffer.from(llb.definition));
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function registerLlb(program: Command): void {
  program
    .command('llb')
    .description(
      "print the project's BuildKit LLB: the marshalled Definition (stdin of `buildctl build`) or, with --json, a readable dump. " +
        "Made offline: RUN steps do not get the base image's ENV, which `cogpack build` reads from the daemon, so their digests differ from a build's",
    )
    .argument('[dir]', 'project directory', '.')
    .option('--json', 'print a readable JSON dump (digest, kind, inputs, platform, description per op)')
    .option('--image-map <SRC=DST,...>', 'replace base images (repeatable; also COGPACK_IMAGE_MAP)', collect, [])
    .option('--cog-sdk <pypi|none|path.whl|dir>', "where the cog SDK comes from (a wheel's directory also holds its dependencies)")
    .option('--plan <file>', 'use this plan JSON instead of planning DIR')
    .option('--session-id <id>', 'local.session on local sources')
    .option('--no-cache', 'set ignore_cache on every op')
    .action(async (dir: string, o: LlbCommandOptions & { cache?: boolean }) => {
      await runLlb(dir, { ...o, noCache: o.cache === false }, process.stdout);
    });
}
