/**
 * Reads pyproject.toml: PEP 621 `[project]` (name, dependencies, requires-python, scripts) and the
 * strict `[tool.cogpack]` table, which lets a project without cog.yaml say what cog.yaml would.
 */
import { z } from 'zod';
import { ConfigError } from '../../src/errors';
import { parseRequirementLine, type Requirement } from './requirements';
import { parseToml, tomlLine } from './toml';

export const ToolCogpackSchema = z
  .object({
    python: z.string().regex(/^3\.\d+(\.\d+)?$/, 'expected a version like "3.11"').optional(),
    gpu: z.boolean().optional(),
    system_packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.=:~-]*$/)).optional(),
    /** the image's CMD; defaults to the only [project.scripts] entry */
    cmd: z.array(z.string()).min(1).optional(),
    environment: z.array(z.string()).optional(),
    /** project-relative files or directories that are model weights */
    weights: z.array(z.string().min(1)).optional(),
    /** files at least this large are treated as weights (default 10) */
    weights_threshold_mb: z.number().positive().optional(),
  })
  .strict();
export type ToolCogpack = z.infer<typeof ToolCogpackSchema>;

const ProjectSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().optional(),
    dependencies: z.array(z.string()).optional(),
    'requires-python': z.string().optional(),
    scripts: z.record(z.string(), z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/, 'expected "module:function"')).optional(),
  })
  .loose();

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
