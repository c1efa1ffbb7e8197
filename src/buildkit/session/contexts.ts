/**
 * Maps a Plan's contexts (project-relative paths + ignore patterns) to the directories the session
 * serves, checking each one exists and stays inside the project, unless the plan marks it as given by a
 * command-line flag (`origin: 'flag'`, e.g. `--cog-sdk ../dist/cog.whl`): the user named that directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../errors';
import type { ContextDir } from './file-sync';

export interface PlanContext {
  path: string;
  exclude: string[];
  include?: string[];
  origin?: 'flag';
}

export function sessionContexts(projectDir: string, contexts: Record<string, PlanContext>): Record<string, ContextDir> {
  const root = path.resolve(projectDir);
  const out: Record<string, ContextDir> = {};
  for (const [name, ctx] of Object.entries(contexts)) {
    const dir = path.resolve(root, ctx.path);
    checkPlacement(name, ctx, path.relative(root, dir));
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ConfigError('E_CONTEXT_PATH', `context "${name}": ${ctx.path} is not a directory`, { file: ctx.path });
    }
    out[name] = { dir, exclude: [...ctx.exclude], ...(ctx.include ? { include: [...ctx.include] } : {}) };
  }
  return out;
}

/** Plans hold no absolute paths; a relative one may leave the project only when a flag named it. */
function checkPlacement(name: string, ctx: PlanContext, rel: string): void {
  if (path.isAbsolute(ctx.path) || path.isAbsolute(rel)) {
    throw new ConfigError('E_CONTEXT_PATH', `context "${name}" path "${ctx.path}" is absolute`, {
      hint: 'plan context paths are relative to the project directory',
    });
  }
  if ((rel === '..' || rel.startsWith(`..${path.sep}`)) && ctx.origin !== 'flag') {
    throw new ConfigError('E_CONTEXT_PATH', `context "${name}" path "${ctx.path}" is outside the project`, {
      hint: 'contexts are directories inside the project directory; only a command-line flag may name one outside it',
    });
  }
}
