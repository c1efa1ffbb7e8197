/**
 * Reads cog.yaml as cog does (YAML 1.1 like its yaml.v2, unknown keys and nulls ignored with a warning):
 * YAML syntax errors, schema errors and rule violations all become ConfigErrors with `cog.yaml:LINE`;
 * deprecated fields are accepted with a warning. Line numbers come from the yaml package's LineCounter,
 * so every later error (resolver, blocks) can point at the right line too.
 */
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../src/errors';
import { CogYamlSchema, DEPRECATED_FIELDS, type CogYaml } from './cog-yaml-schema';
import { pruneCogYaml, type YamlPath } from './cog-yaml-keys';
import { parseEnvironment } from './environment';
import { firstNul } from './nul';
import { runCommands, type RunCommand } from './run-commands';

export type { YamlPath } from './cog-yaml-keys';

export interface CogConfig {
  /** the project-relative file name, `cog.yaml` */
  file: string;
  data: CogYaml;
  /** the 1-based line a key (or list item) was written on; the nearest written ancestor otherwise */
  lineOf(path: YamlPath): number | undefined;
  /** `cog.yaml:12 build.python_version`: the provenance string used in plans and resolver errors */
  sourceOf(path: YamlPath): string;
  environment: Record<string, string>;
  /** build.run then build.pre_install, each with its mounts (leading `--mount=` flags read as cog's Dockerfile would) */
  runCommands: RunCommand[];
  warnings: string[];
}

function lineLocator(doc: Document, lc: LineCounter) {
  return (path: YamlPath): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
      const key = path[n - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lc.linePos(range[0]).line;
      }
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** YAML reads `3.10` as the number 3.1; version fields keep the text as written. */
function keepVersionText(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      if (['python_version', 'cuda', 'cudnn', 'sdk_version'].includes(String(k)) && isScalar(pair.value)) {
        if (typeof pair.value.value === 'number') pair.value.value = pair.value.source ?? String(pair.value.value);
      }
    },
  });
}

function schemaError(issue: z.core.$ZodIssue, file: string, lineOf: (p: YamlPath) => number | undefined): ConfigError {
  const path = issue.path as YamlPath;
  return new ConfigError('E_COG_YAML_SCHEMA', `${path.join('.') || '(top level)'}: ${issue.message}`, {
    file,
    line: lineOf(path) ?? 1,
    hint: 'see the cog.yaml reference for the expected type',
  });
}

/**
 * The document as plain data. Aliases are expanded here, so a YAML "billion laughs" (aliases of aliases)
 * would grow without bound: the yaml package stops past `maxAliasCount` expansions, reported at the first alias.
 */
function toPlain(doc: Document, lc: LineCounter, file: string): Record<string, unknown> {
  try {
    return (doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null) ?? {};
  } catch (e) {
    if (!(e instanceof ReferenceError || e instanceof RangeError)) throw e;
    let at: number | undefined;
    visit(doc, {
      Alias(_, node) {
        at = node.range?.[0];
        return visit.BREAK;
      },
    });
    throw new ConfigError('E_COG_YAML', `YAML aliases expand too far (${e.message.split('\n')[0]})`, {
      file,
      line: at === undefined ? 1 : lc.linePos(at).line,
      hint: 'write the values out instead of nesting aliases of aliases',
    });
  }
}

export function parseCogYaml(text: string, file = 'cog.yaml'): CogConfig {
  const lc = new LineCounter();
  // YAML 1.1, as cog's yaml.v2 reads it: `gpu: yes` is true
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, version: '1.1' });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new ConfigError('E_YAML_SYNTAX', `invalid YAML: ${err.message.split('\n')[0]}`, {
      file,
      line: lc.linePos(err.pos[0]).line,
      hint: 'fix the YAML syntax (indentation, quotes, brackets)',
    });
  }
  keepVersionText(doc);
  const lineOf = lineLocator(doc, lc);
  const raw = toPlain(doc, lc, file);
  // an empty `build:` or `run:` means "nothing set", and a key cog does not know is ignored, as in cog
  const ignored = pruneCogYaml(raw, (p) => `${file}:${lineOf(p) ?? 1}`);
  normaliseWeights(raw);
  splitSystemPackages(raw);
  const parsed = CogYamlSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error.issues[0], file, lineOf);
  const data = parsed.data;
  const sourceOf = (p: YamlPath) => `${file}:${lineOf(p) ?? 1} ${p.join('.')}`;
  const nul = firstNul(data);
  rule(
    nul !== undefined,
    'E_NUL_CHARACTER',
    `${nul?.join('.')} contains a NUL character`,
    file,
    nul && lineOf(nul),
    'remove the NUL ("\\0"): commands, paths and environment values cannot hold one',
  );
  checkRules(data, file, lineOf);
  const environment = parseEnvironment(data.environment ?? [], (i) => ({ file, line: lineOf(['environment', i]) }));
  const runs = runCommands(data.build?.run, data.build?.pre_install, (key, i) => ({
    file,
    line: lineOf(i === undefined ? ['build', key] : ['build', key, i]),
  }));
  return { file, data, lineOf, sourceOf, environment, runCommands: runs, warnings: [...ignored, ...deprecationWarnings(data, file, lineOf)] };
}

/** `weights: [{source: path}]` (cog's short form) is `{source: {uri: path}}`. */
function normaliseWeights(raw: unknown): void {
  const weights = (raw as { weights?: unknown }).weights;
  if (!Array.isArray(weights)) return;
  for (const w of weights) if (w && typeof w === 'object' && typeof w.source === 'string') w.source = { uri: w.source };
}

/** cog joins system_packages into one `apt-get install` line, so `"libsm6 libxext6"` is two packages there too. */
function splitSystemPackages(raw: unknown): void {
  const build = (raw as { build?: { system_packages?: unknown } }).build;
  const list = build && typeof build === 'object' ? build.system_packages : undefined;
  if (Array.isArray(list)) build!.system_packages = list.flatMap((p) => (typeof p === 'string' ? p.trim().split(/\s+/).filter(Boolean) : [p]));
}

/** Whether a cog.yaml names what the image serves; `cogpack build` needs it, as `cog build` does. */
export function hasPredictor(cog: CogConfig): boolean {
  return Boolean(cog.data.run ?? cog.data.predict ?? cog.data.train);
}

function deprecationWarnings(data: CogYaml, file: string, lineOf: (p: YamlPath) => number | undefined): string[] {
  const present: Record<string, boolean> = {
    'build.python_packages': (data.build?.python_packages?.length ?? 0) > 0,
    'build.pre_install': (data.build?.pre_install?.length ?? 0) > 0,
    concurrency: data.concurrency !== undefined,
  };
  return Object.entries(DEPRECATED_FIELDS)
    .filter(([k]) => present[k])
    .map(([k, repl]) => `${file}:${lineOf(k.split('.'))}: ${k} is deprecated; use ${repl}`);
}

function rule(cond: boolean, code: string, msg: string, file: string, line: number | undefined, hint: string): void {
  if (cond) throw new ConfigError(code, msg, { file, line, hint });
}

function checkRules(data: CogYaml, file: string, lineOf: (p: YamlPath) => number | undefined): void {
  const b = data.build ?? {};
  rule(
    (b.python_packages?.length ?? 0) > 0 && b.python_requirements !== undefined,
    'E_COG_YAML_EXCLUSIVE',
    'build.python_packages and build.python_requirements cannot both be set',
    file,
    lineOf(['build', 'python_packages']),
    'move the python_packages entries into the python_requirements file',
  );
  rule(
    data.predict !== undefined && data.run !== undefined,
    'E_COG_YAML_EXCLUSIVE',
    'predict and run cannot both be set',
    file,
    lineOf(['predict']),
    'keep only run (predict is its deprecated name)',
  );
  rule(
    data.image !== undefined && data.model !== undefined,
    'E_COG_YAML_EXCLUSIVE',
    'image and model cannot both be set',
    file,
    lineOf(['model']),
    'keep one of them',
  );
  if (b.python_version !== undefined) {
    const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(b.python_version);
    rule(
      !m,
      'E_PYTHON_VERSION',
      `python_version "${b.python_version}" is not a version`,
      file,
      lineOf(['build', 'python_version']),
      'write it like "3.11" or "3.11.9"',
    );
    const [maj, min] = [Number(m![1]), Number(m![2])];
    rule(
      maj !== 3 || min < 10,
      'E_PYTHON_VERSION',
      `python_version "${b.python_version}" is not supported`,
      file,
      lineOf(['build', 'python_version']),
      'use Python 3.10 or newer',
    );
  }
  if (b.cuda !== undefined) {
    const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(b.cuda);
    rule(
      !m || Number(m[1]) < 11,
      'E_CUDA_VERSION',
      `cuda "${b.cuda}" is not supported`,
      file,
      lineOf(['build', 'cuda']),
      'use CUDA 11.x or newer, written like "12.1"',
    );
  }
  rule(
    b.cudnn !== undefined && !/^\d+(\.\d+)*$/.test(b.cudnn),
    'E_CUDNN_VERSION',
    `cudnn "${b.cudnn}" is not a version`,
    file,
    lineOf(['build', 'cudnn']),
    'write the major version, e.g. "8" or "9"',
  );
  const runs = typeof b.run === 'string' ? [b.run] : (b.run ?? []);
  runs.forEach((r, i) => {
    const cmd = typeof r === 'string' ? r : r.command;
    rule(
      cmd.trim().includes('\n'),
      'E_RUN_NEWLINE',
      'a build.run command contains a newline',
      file,
      lineOf(['build', 'run', i]),
      'split it into several build.run entries or join lines with &&',
    );
  });
}
