/**
 * Second step of `npm run build` (after tsc): the fast start of `cogpack plan`, dist/fast/plan.js and its
 * V8 code cache (scripts/command-bundle.ts), which bin/cogpack.js prefers (src/startup/plan-bundle.ts).
 */
import { join } from 'node:path';
import { buildCommandBundle, ROOT } from './command-bundle';

void buildCommandBundle({
  command: 'plan',
  dist: join(ROOT, 'dist'),
  outName: 'fast',
  warmScript: 'warm-plan-cache',
  // they cover CPU/GPU, torch, TF, uv, pyproject, weights paths
  warmFixtures: ['cpu-minimal', 'gpu-torch', 'tf-gpu', 'uv-lock', 'pyproject-app', 'requirements-indexes', 'weights'],
  // planner/data/schemas.js validates the compat data under COGPACK_VALIDATE_DATA=1 only, and pulls in zod
  keepFromDist: ['planner/data/schemas.js'],
});
