/**
 * Reads pyproject.toml: PEP 621 `[project]` (name, dependencies, requires-python, scripts) and the
 * strict `[tool.cogpack]` table, which lets a project without cog.yaml say what cog.yaml would.
 */
import type { z } from 'zod';
import { ConfigError } from '../../src/errors';
import { parseRequirementLine, type Requirement } from './requirements';
import { ProjectSchema, ToolCogpackSchema, type ToolCogpack } from './pyproject-schema';
import { parseToml, tomlLine } from './toml';

export { ToolCogpackSchema, type ToolCogpack } from './pyproject-schema';

export interface Pyproject {
  file: string;
  name?: string;
  requiresPython?: { constraint: string; source: string };
  dependencies: Requirement[];
  scripts: Record<string, string>;
  hasBuildSystem: boolean;
  tool: ToolCogpack;
  toolLine: (key: string) => number;
}

function zodFail(issue: z.core.$ZodIssue, file: string, text: string, table: string): never {
  const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0] ?? '');
  const msg = issue.code === 'unrecognized_keys' ? `unknown key "${key}" in [${table}]` : `[${table}] ${issue.path.join('.')}: ${issue.message}`;
  throw new ConfigError(issue.code === 'unrecognized_keys' ? 'E_PYPROJECT_UNKNOWN_KEY' : 'E_PYPROJECT_SCHEMA', msg, {
    file,
    line: tomlLine(text, table, key || undefined),
    hint: 'see the README section on pyproject.toml',
  });
}

export function parsePyproject(root: string, text: string, file = 'pyproject.toml'): Pyproject {
  const doc = parseToml(text, file);
  const tool = (doc.tool ?? {}) as Record<string, unknown>;
  const cp = ToolCogpackSchema.safeParse(tool.cogpack ?? {});
  if (!cp.success) zodFail(cp.error.issues[0], file, text, 'tool.cogpack');
  const out: Pyproject = {
    file,
    dependencies: [],
    scripts: {},
    hasBuildSystem: doc['build-system'] !== undefined,
    tool: cp.data,
    toolLine: (key) => tomlLine(text, 'tool.cogpack', key),
  };
  if (doc.project === undefined) return out;
  const pr = ProjectSchema.safeParse(doc.project);
  if (!pr.success) zodFail(pr.error.issues[0], file, text, 'project');
  out.name = pr.data.name;
  out.scripts = pr.data.scripts ?? {};
  const rp = pr.data['requires-python'];
  if (rp) out.requiresPython = { constraint: rp, source: `${file}:${tomlLine(text, 'project', 'requires-python')} project.requires-python` };
  const depLine = tomlLine(text, 'project', 'dependencies');
  out.dependencies = (pr.data.dependencies ?? []).map((d) => {
    const idx = text.split(/\r?\n/).findIndex((l, i) => i + 1 >= depLine && l.includes(JSON.stringify(d).slice(1, -1)));
    return parseRequirementLine(root, d, file, idx >= 0 ? idx + 1 : depLine, '.');
  });
  return out;
}
