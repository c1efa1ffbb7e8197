/**
 * Bundles the frontend with esbuild into one file plus a small launcher (default dist/frontend/:
 * frontend.js, launch.js), the only code the frontend image carries: no node_modules, no module
 * resolution at start-up, and grpc-js/dockerode never reached. The V8 code cache is written later, by
 * the image's own node (Dockerfile.frontend runs `launch.js --warm`), because V8 only accepts its own.
 * Usage: tsx scripts/build-frontend-bundle.ts [OUT_DIR]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, ROOT } from './command-bundle';

export async function buildFrontendBundle(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await Promise.all([
    build({ ...BUNDLE_OPTIONS, entryPoints: [join(ROOT, 'src', 'frontend', 'bundle.ts')], outfile: join(outDir, 'frontend.js') }),
    build({ ...BUNDLE_OPTIONS, entryPoints: [join(ROOT, 'src', 'frontend', 'launch.ts')], outfile: join(outDir, 'launch.js') }),
  ]);
}

if (require.main === module) {
  buildFrontendBundle(resolve(process.argv[2] ?? join(ROOT, 'dist', 'frontend'))).catch((e: unknown) => {
    process.stderr.write(`build-frontend-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
