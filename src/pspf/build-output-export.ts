/**
 * Gets the filesystem of the image a project's plan builds, as BuildKit's `local` exporter writes it through
 * the session's FileSend: plan → LLB → session (contexts, FileSend) → solve.
 * TODO(#6): call buildProject (src/buildkit/build.ts) with a local output once it exists, so image-map,
 * secrets and progress handling live in one place.
 */
import * as path from 'node:path';
import { planProject } from '../../planner';
import { parseImageMap } from '../../planner/image-map';
import { planToLlb } from '../../llb';
import { connectBuildkit } from '../buildkit/connection';
import { localDirReceiver, startSession, type ContextDir } from '../buildkit/session';
import { solve } from '../buildkit/solve';
import type { RootfsExporter } from './build-output';

async function exportDirectly(dir: string, dest: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { plan } = await planProject(dir, { imageMap: parseImageMap(env.COGPACK_IMAGE_MAP ?? ''), env });
  const conn = await connectBuildkit({ env });
  try {
    const contexts: Record<string, ContextDir> = {};
    for (const [name, c] of Object.entries(plan.contexts)) {
      contexts[name] = { dir: path.resolve(dir, c.path), exclude: c.exclude, ...(c.include?.length ? { include: c.include } : {}) };
    }
    const session = await startSession(conn, { projectDir: dir, contexts, secrets: {}, env, fileSend: () => localDirReceiver(dest) });
    try {
      const llb = planToLlb(plan, { sessionId: session.id });
      await solve(conn, { definition: llb.definition, exporters: [{ type: 'local', attrs: {} }], sessionId: session.id });
    } finally {
      await session.close();
    }
  } finally {
    conn.close();
  }
}

export const exportRootfsWithBuildkit: RootfsExporter = (dir, dest, env) => exportDirectly(dir, dest, env);
