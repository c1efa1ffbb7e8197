/**
 * Maps a Plan's contexts (project-relative paths + ignore patterns) to the directories the session
 * serves, checking each one exists and stays inside the project.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../errors';
import type { ContextDir } from './file-sync';

export interface PlanContext {
  path: string;
  exclude: string[];
  include?: string[];
}

export function sessionContexts(projectDir: string, contexts: Record<string, PlanContext>): Record<string, ContextDir> {
  const root = path.resolve(projectDir);
  const out: Record<string, ContextDir> = {};
  for (const [name, ctx] of Object.entries(contexts)) {
    const dir = path.resolve(root, ctx.path);
    const rel = path.relative(root, dir);
    if (path.isAbsolute(ctx.path) || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new ConfigError('E_CONTEXT_PATH', `context "${name}" path "${ctx.path}" is outside the project`, {
        hint: 'contexts are directories inside the project directory',
      });
    }
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ConfigError('E_CONTEXT_PATH', `context "${name}": ${ctx.path} is not a directory`, { file: ctx.path });
    }
    out[name] = { dir, exclude: [...ctx.exclude], ...(ctx.include ? { include: [...ctx.include] } : {}) };
  }
  return out;
}
