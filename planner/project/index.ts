/**
 * loadProject: reads every input file of a project once (cog.yaml, pyproject.toml, requirements, uv.lock,
 * .python-version, ignore files) into one Project value that stacks and blocks only read.
 */
import { ConfigError } from '../../src/errors';
import { parseCogYaml, type CogConfig } from './cog-yaml';
import { parseEnvironment } from './environment';
import { projectFileExists, projectPath, readProjectText, setExclusionCheck } from './fs-safe';
import { describeRule, exclusionOf, makeMatcher, readIgnoreRules, type IgnoreRule } from './ignore-files';
import { checkBesideCogYaml, parsePyproject, type Pyproject } from './pyproject';
import { emptyRequirements, parseRequirementEntries, parseRequirementsFile, type Requirements } from './requirements';
import { checkPredictors, emptySourceWarning } from './source-checks';
import { parseUvLock, type UvLock } from './uv-lock';
import { walkProject, type TreeInfo } from './walk';
import { collectWeights, DEFAULT_WEIGHTS_THRESHOLD_MB, type WeightPath } from './weights';

export interface Project {
  /** absolute directory; used to read files, never written into a plan */
  dir: string;
  cog?: CogConfig;
  pyproject?: Pyproject;
  /** the pip requirements the project declares (cog.yaml, requirements.txt or [project.dependencies]) */
  requirements: Requirements;
  uvLock?: UvLock;
  pythonVersionFile?: { version: string; source: string };
  /** dockerignore-syntax patterns left out of the code layer */
  excludes: string[];
  tree: TreeInfo;
  weights: WeightPath[];
  gpu: boolean;
  environment: Record<string, string>;
  warnings: string[];
}

/**
 * The project as the build context shows it: a file the ignore rules exclude is absent when it is only
 * looked for (uv.lock, .python-version…), and an error naming the rule when a project file names it
 * (python_requirements, -r, a wheel path, weights: fs-safe's projectPath checks). cog.yaml is always read
 * (it is the entry file; the frontend gets it with -f), and pyproject.toml too when there is no cog.yaml.
 */
class ProjectView {
  readonly excluded: (rel: string) => IgnoreRule | undefined;

  constructor(
    readonly dir: string,
    readonly rules: IgnoreRule[],
  ) {
    this.excluded = exclusionOf(rules);
  }

  has(file: string): boolean {
    return projectFileExists(this.dir, file) && !this.excluded(file);
  }

  read(file: string, always = false): string | undefined {
    const present = always ? projectFileExists(this.dir, file) : this.has(file);
    return present ? readProjectText(this.dir, file, { file }, file) : undefined;
  }
}

function loadRequirements(view: ProjectView, cog?: CogConfig, py?: Pyproject, uv?: UvLock): Requirements {
  const dir = view.dir;
  const b = cog?.data.build;
  if (b?.python_requirements) {
    const ref = { file: cog!.file, line: cog!.lineOf(['build', 'python_requirements']) };
    return parseRequirementsFile(dir, projectPath(dir, '.', b.python_requirements, ref, 'python_requirements'), ref);
  }
  if (b?.python_packages) {
    return parseRequirementEntries(
      dir,
      cog!.file,
      b.python_packages.map((text, i) => ({ text, line: cog!.lineOf(['build', 'python_packages', i]) ?? 1 })),
    );
  }
  if (!cog && !uv && view.has('requirements.txt')) return parseRequirementsFile(dir, 'requirements.txt', {});
  if (!uv && py && py.dependencies.length > 0) return { ...emptyRequirements(), requirements: py.dependencies };
  return emptyRequirements();
}

const PIP_ARCHIVE = /\.(whl|tar\.gz|zip)$/;

/**
 * A large wheel/sdist that pip installs (a local requirement, or an archive in a local --find-links dir) is a
 * dependency input, not model weights: it must not become a weights layer beside the pip layer.
 */
function isPipInput(file: string, reqs: Requirements): boolean {
  if (!PIP_ARCHIVE.test(file)) return false;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  return reqs.requirements.some((r) => r.local === file) || reqs.findLinks.some((f) => f.local && f.value.replace(/\/+$/, '') === dir);
}

/** poetry.lock / environment.yml: refuse when they are the project's only dependency source, else warn. */
function checkUnsupported(view: ProjectView, hasOtherSource: boolean, warnings: string[]): void {
  const unsupported: [string, string][] = [
    ['poetry.lock', 'run `poetry export -f requirements.txt -o requirements.txt` and point build.python_requirements at it'],
    ['environment.yml', 'list the pip packages in a requirements.txt (conda is not supported)'],
  ];
  for (const [file, hint] of unsupported) {
    if (!view.has(file)) continue;
    if (!hasOtherSource) throw new ConfigError('E_NOT_SUPPORTED', `${file} is not supported yet`, { file, line: 1, hint });
    warnings.push(`${file}: ignored (not supported yet); dependencies come from the other project files`);
  }
}

export function loadProject(dir: string, env: NodeJS.ProcessEnv = {}): Project {
  const view = new ProjectView(dir, readIgnoreRules(dir));
  setExclusionCheck(dir, (rel) => {
    const rule = view.excluded(rel);
    return rule && describeRule(rule);
  });
  try {
    return loadVisible(view, env);
  } finally {
    setExclusionCheck(dir, undefined);
  }
}

function loadVisible(view: ProjectView, env: NodeJS.ProcessEnv): Project {
  const dir = view.dir;
  const cogText = view.read('cog.yaml', true);
  const cog = cogText === undefined ? undefined : parseCogYaml(cogText);
  const pyText = view.read('pyproject.toml', !cog);
  const pyproject = pyText === undefined ? undefined : parsePyproject(dir, pyText);
  if (cog && pyproject) checkBesideCogYaml(pyproject);
  const uvText = view.read('uv.lock');
  const uvLock = uvText === undefined ? undefined : parseUvLock(dir, uvText);
  const pv = view.read('.python-version')?.trim().split(/\s+/)[0];
  const warnings = [...(cog?.warnings ?? []), ...(cog ? checkPredictors(dir, cog, view.excluded) : [])];
  const requirements = loadRequirements(view, cog, pyproject, uvLock);
  warnings.push(...requirements.warnings);
  if (cog && requirements.files.length === 0 && !cog.data.build?.python_packages && view.has('requirements.txt')) {
    warnings.push('requirements.txt: not installed (cog.yaml has no build.python_requirements); add `python_requirements: requirements.txt` to install it');
  }
  const hasSource = requirements.files.length > 0 || requirements.requirements.length > 0 || !!uvLock;
  checkUnsupported(view, hasSource, warnings);
  const excludes = view.rules.map((r) => r.pattern);
  const mb = Number(env.COGPACK_WEIGHTS_THRESHOLD_MB) || pyproject?.tool.weights_threshold_mb || DEFAULT_WEIGHTS_THRESHOLD_MB;
  const tree = walkProject(dir, makeMatcher(excludes), mb * 1024 * 1024);
  const empty = emptySourceWarning(dir, tree.fileCount, view.excluded);
  if (empty) warnings.push(empty);
  const pyEnv = pyproject?.tool.environment ?? [];
  return {
    dir,
    cog,
    pyproject,
    requirements,
    uvLock,
    pythonVersionFile: pv ? { version: pv, source: '.python-version:1' } : undefined,
    excludes,
    tree,
    weights: collectWeights(
      dir,
      cog,
      pyproject,
      tree.largeFiles.filter((f) => !isPipInput(f, requirements)),
      mb,
    ),
    gpu: cog?.data.build?.gpu ?? pyproject?.tool.gpu ?? false,
    environment: cog ? cog.environment : parseEnvironment(pyEnv, () => ({ file: 'pyproject.toml', line: pyproject!.toolLine('environment') })),
    warnings,
  };
}
