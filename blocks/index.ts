/**
 * The block registry, one line per block. ORDER MATTERS: blocks plan in this order and each new stage
 * starts from the result of the phases before it (Plan.inputBefore), so the list follows the export
 * phases in layer order (base → system → python → framework → deps → sdk → build-run → weights → code),
 * which is the order of how rarely each input changes. export-config goes last because it reads the
 * finished environment. The runtime base image itself is the resolver's choice (Plan.base_image), not a
 * block: /src needs no stage of its own, since the source stage copies into it and Docker creates a
 * missing WORKDIR when a container starts.
 */
import type { Block } from './support/block';
import { cuda } from './cuda';
import { apt } from './apt';
import { python } from './python';
import { torch } from './torch';
import { tensorflow } from './tensorflow';
import { pip } from './pip';
import { uv } from './uv';
import { cogSdk } from './cog-sdk';
import { buildRun } from './build-run';
import { environment } from './environment';
import { weights } from './weights';
import { entryPoints } from './entry-points';
import { source } from './source';
import { exportConfig } from './export-config';

export const BLOCKS: readonly Block[] = [
  cuda,
  apt,
  python,
  torch,
  tensorflow,
  pip,
  uv,
  cogSdk,
  buildRun,
  environment,
  weights,
  entryPoints,
  source,
  exportConfig,
];

export type { Block, BlockContext, CogSdkSource, PlanOptionsResolved } from './support/block';
