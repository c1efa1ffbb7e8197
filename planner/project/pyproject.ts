/**
 * Reads pyproject.toml: PEP 621 `[project]` (name, dependencies, requires-python, scripts) and the
 * strict `[tool.cogpack]` table, which lets a project without cog.yaml say what cog.yaml would.
 */
import type { z } from 'zod';
import { ConfigError } from '../../src/errors';
import { parseRequirementLine, type Requirement } from './requirements';
import { firstNul } from './nul';
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
  /** the line of a [project.scripts] entry, or of the table when no name is given */
  scriptLine: (name?: string) => number;
}

/** A script name becomes a file in /usr/local/bin: one plain file name, nothing a shell or a path would read differently. */
const SCRIPT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkScriptNames(scripts: Record<string, string>, file: string, line: (name: string) => number): void {
  for (const name of Object.keys(scripts).sort()) {
    if (!SCRIPT_NAME_RE.test(name)) {
      throw new ConfigError('E_PYPROJECT_SCRIPT_NAME', `[project.scripts] name ${JSON.stringify(name)} cannot be a command name`, {
        file,
        line: line(name),
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit (no "/", spaces or leading ".")',
      });
    }
  }
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

/** Where each [tool.cogpack] key lives in cog.yaml; `cmd` has no place there (a cog model's CMD is cog's server). */
const COG_YAML_FIELD: Record<string, string | undefined> = {
  python: 'build.python_version',
  gpu: 'build.gpu',
  system_packages: 'build.system_packages',
  environment: 'environment',
  weights: 'weights (each as source.uri)',
  cmd: undefined,
};

/**
 * The one rule for [tool.cogpack] beside cog.yaml: cog.yaml is the build configuration, so a [tool.cogpack]
 * key that says what cog.yaml says (python, gpu, system_packages, environment, weights, cmd) is refused rather
 * than merged or dropped; only weights_threshold_mb, which cog.yaml has no field for, still applies.
 */
export function checkBesideCogYaml(py: Pyproject): void {
  const keys = Object.keys(COG_YAML_FIELD).filter((k) => py.tool[k as keyof ToolCogpack] !== undefined);
  if (keys.length === 0) return;
  const lines = keys.map((k) => py.toolLine(k));
  const moves = keys.map((k) => (COG_YAML_FIELD[k] ? `${k} → cog.yaml ${COG_YAML_FIELD[k]}` : `remove ${k} (a cog model runs cog's HTTP server)`));
  throw new ConfigError('E_TOOL_COGPACK_WITH_COG_YAML', `[tool.cogpack] ${keys.join(', ')} cannot be set beside cog.yaml, which is the build configuration`, {
    file: py.file,
    line: Math.min(...lines),
    hint: `${moves.join('; ')}; or remove cog.yaml to build from pyproject.toml alone`,
  });
}

export function parsePyproject(root: string, text: string, file = 'pyproject.toml'): Pyproject {
  const doc = parseToml(text, file);
  const tool = (doc.tool ?? {}) as Record<string, unknown>;
  for (const [table, value] of [
    ['tool.cogpack', tool.cogpack],
    ['project', doc.project],
  ] as const) {
    const nul = firstNul(value);
    if (!nul) continue;
    throw new ConfigError('E_NUL_CHARACTER', `[${table}] ${nul.join('.')} contains a NUL character`, {
      file,
      line: tomlLine(text, table, String(nul[0])),
      hint: 'remove the NUL ("\\u0000"): commands, paths and environment values cannot hold one',
    });
  }
  const cp = ToolCogpackSchema.safeParse(tool.cogpack ?? {});
  if (!cp.success) zodFail(cp.error.issues[0], file, text, 'tool.cogpack');
  const out: Pyproject = {
    file,
    dependencies: [],
    scripts: {},
    hasBuildSystem: doc['build-system'] !== undefined,
    tool: cp.data,
    toolLine: (key) => tomlLine(text, 'tool.cogpack', key),
    scriptLine: (name) => tomlLine(text, 'project.scripts', name),
  };
  if (doc.project === undefined) return out;
  const pr = ProjectSchema.safeParse(doc.project);
  if (!pr.success) zodFail(pr.error.issues[0], file, text, 'project');
  out.name = pr.data.name;
  out.scripts = pr.data.scripts ?? {};
  checkScriptNames(out.scripts, file, out.scriptLine);
  const rp = pr.data['requires-python'];
  if (rp) out.requiresPython = { constraint: rp, source: `${file}:${tomlLine(text, 'project', 'requires-python')} project.requires-python` };
  const depLine = tomlLine(text, 'project', 'dependencies');
  out.dependencies = (pr.data.dependencies ?? []).map((d) => {
    const idx = text.split(/\r?\n/).findIndex((l, i) => i + 1 >= depLine && l.includes(JSON.stringify(d).slice(1, -1)));
    return parseRequirementLine(root, d, file, idx >= 0 ? idx + 1 : depLine, '.');
  });
  return out;
}
