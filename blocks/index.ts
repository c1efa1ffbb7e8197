/**
 * The block registry, one line per block. The order does not decide what a stage is built on: blocks ask for
 * their source by phase (Plan.below), resolved once every block ran, so a block added anywhere in the list
 * gets the same graph. It decides only the order of stages within a phase (the framework blocks, listed in
 * blocks/frameworks.ts, in that file's order; the code phase's layers) and that export-config goes last, since it reads the
 * finished environment. The list follows the export phases' layer order for reading. The runtime base image
 * itself is the resolver's choice (Plan.base_image), not a block: /src needs no stage of its own, since the
 * source stage copies into it and Docker creates a missing WORKDIR when a container starts.
 */
import type { Block } from './support/block';
import { cuda } from './cuda';
import { apt } from './apt';
import { python } from './python';
import { FRAMEWORK_BLOCKS } from './frameworks';
import { pip } from './pip';
import { uv } from './uv';
import { cogSdk } from './cog-sdk';
import { buildRun } from './build-run';
import { environment } from './environment';
import { weights } from './weights';
import { entryPoints } from './entry-points';
import { source } from './source';
import { cogSchema } from './cog-schema';
import { exportConfig } from './export-config';

export const BLOCKS: readonly Block[] = [
  cuda,
  python,
  apt,
  ...FRAMEWORK_BLOCKS,
  pip,
  uv,
  cogSdk,
  buildRun,
  environment,
  weights,
  entryPoints,
  source,
  cogSchema,
  exportConfig,
];

export { FRAMEWORKS } from './frameworks';
export type { Block, BlockContext, CogSdkSource, FrameworkBlock, PlanOptionsResolved } from './support/block';
