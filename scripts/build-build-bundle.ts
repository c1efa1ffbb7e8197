/**
 * Third step of `npm run build` (after tsc and the plan bundle): the fast start of `cogpack build`,
 * dist/fast-build/build.js and its V8 code cache warmed by whole builds against a fake daemon
 * (src/startup/warm-build-cache.ts), which bin/cogpack.js prefers (src/startup/build-bundle.ts).
 * `--dist DIR`: another tsc output dir than dist/ (bench:build builds a private copy the shared dist/ cannot stale).
 */
import { join, resolve } from 'node:path';
import { buildCommandBundle, ROOT } from './command-bundle';

const i = process.argv.indexOf('--dist');
void buildCommandBundle({
  command: 'build',
  dist: i > 0 ? resolve(process.argv[i + 1]) : join(ROOT, 'dist'),
  outName: 'fast-build',
  warmScript: 'warm-build-cache',
  // apt + local wheels, torch, uv, pyproject, secrets, weights
  warmFixtures: ['cpu-apt-wheel', 'cpu-minimal', 'gpu-torch', 'uv-lock', 'pyproject-app', 'build-run-secret', 'weights'],
  // on request only: data validation (COGPACK_VALIDATE_DATA=1), the docker config schema (registry auth)
  keepFromDist: ['planner/data/schemas.js', 'src/buildkit/session/docker-config-schema.js'],
  warmTimeoutMs: 120_000,
});
