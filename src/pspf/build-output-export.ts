/**
 * Gets the filesystem of the image a project's plan builds: `buildProject` with a `local` output, which
 * BuildKit's local exporter writes into a directory through the session's FileSend.
 */
import { buildProject, type BuildOptions } from '../buildkit/build/build';
import type { RootfsExporter } from './build-output';

/** An exporter running buildProject with the caller's options (image map, secrets, progress, address…). */
export function buildkitExporter(options: Omit<BuildOptions, 'outputs' | 'tags'> = {}): RootfsExporter {
  return async (dir, dest, env) => {
    await buildProject(dir, { ...options, env: options.env ?? env, outputs: [`type=local,dest=${dest}`] });
  };
}

export const exportRootfsWithBuildkit: RootfsExporter = buildkitExporter();
