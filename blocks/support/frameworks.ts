/**
 * What the framework blocks (blocks/frameworks.ts) share: which requirement lines are theirs rather than the
 * pip block's, their resolver requests, and the framework stage that installs a FrameworkChoice's exact pins.
 */
import type { Plan } from '../../planner/plan';
import type { Project } from '../../planner/project';
import { ConfigError } from '../../src/errors';
import type { Requirement } from '../../planner/project/requirements';
import type { DependencyRequest, FrameworkChoice, FrameworkResolver, Resolution } from '../../planner/resolver/types';
import type { BlockContext, FrameworkBlock } from './block';
import { findLinksMount, pipCacheMount, pipEnv, pipInstall, userIndexArgs } from './pip';
import { exec, stage } from './stage';

/**
 * Framework lines installed by their own block: named, from an index (not a local file or URL). A hashed
 * one is refused: its stage installs the build cogpack picks (CPU/CUDA variant, its own index), which the
 * user's hash cannot describe, and installing it unchecked would quietly drop pip's hash-checking mode.
 */
export function frameworkLines(project: Project, names: readonly string[]): Requirement[] {
  const lines = project.requirements.requirements.filter((r) => r.name && names.includes(r.name) && !r.local && !/@|:\/\//.test(r.spec));
  const hashed = lines.find((r) => r.hashes.length > 0);
  if (hashed) {
    throw new ConfigError(
      'E_REQUIREMENT_HASH',
      `${hashed.name} with --hash is not supported: cogpack installs ${hashed.name} in its own stage from the CPU/CUDA index it picks`,
      {
        file: hashed.file,
        line: hashed.line,
        hint: `remove the --hash options (every line's: pip checks all or none), or install ${hashed.name} from a local wheel path with its hash`,
      },
    );
  }
  return lines;
}

/** One resolver request per named requirement line, sourced at its file:line. */
export function lineRequests(lines: Requirement[], requester: string): DependencyRequest[] {
  return lines
    .filter((r) => r.name)
    .map((r) => ({
      kind: 'python-package' as const,
      name: r.name!,
      constraint: r.constraint,
      source: `${r.file}:${r.line}`,
      requester,
    }));
}

/** The uv.lock pins of the named distributions, as requests (uv installs them; the request picks the base). */
export function lockedRequests(project: Project, names: readonly string[], requester: string): DependencyRequest[] {
  const locked = project.uvLock?.packages ?? {};
  return names
    .filter((n) => locked[n])
    .map((name) => ({
      kind: 'python-package' as const,
      name,
      constraint: `==${locked[name]}`,
      source: 'uv.lock',
      requester,
    }));
}

/** A framework's wheel index (CPU or CUDA variant), unless the project chose its own with --no-index/--index-url. */
function indexArgs(project: Project, c: FrameworkChoice): string[] {
  const r = project.requirements;
  const userChoosesIndex = r.noIndex || r.indexUrl !== undefined;
  return !userChoosesIndex && c.index_url ? ['--extra-index-url', c.index_url] : [];
}

/**
 * The frameworks' indexes for the pip stage: a requirement that pulls torchvision/torchaudio in gets the build
 * of the torch variant installed below (as with cog, whose one requirements file starts with that index), not
 * PyPI's default CUDA build.
 */
export function frameworkIndexArgs(project: Project, r: Resolution): string[] {
  return Object.values(r.frameworks).flatMap((c) => indexArgs(project, c));
}

const pinsOf = (c: FrameworkChoice) => Object.entries(c.packages).map(([name, v]) => `${name}==${v}`);

/**
 * Every pin a framework stage installed. The pip stage repeats them so pip resolves the other requirements
 * against these versions, as cog's single `pip install -r` does, instead of upgrading torch in a later layer.
 */
export function frameworkPins(r: Resolution): string[] {
  return Object.values(r.frameworks).flatMap(pinsOf);
}

export interface FrameworkStageSpec {
  /** the block; the stage is `framework:<block>` */
  block: string;
  /** how the plan names the stage, e.g. `torch 2.3.1+cu121` */
  name: string;
  choice: FrameworkChoice;
  /** built on the framework stages planned before it in the phase (TensorFlow's on torch's) */
  stack?: boolean;
  /** capabilities for later stages; default the installed distributions */
  provides?: string[];
}

/**
 * The framework stage: a pip install whose inputs are only the choice's pins, its wheel index and the local
 * --find-links directories, so it never reinstalls when other requirements change. It is built from python
 * alone, not on the apt layer: a system package edit leaves it cached and its layer byte-identical (the deps
 * stage still sees both: it is built on every phase below it).
 */
export function frameworkStage(ctx: BlockContext, plan: Plan, s: FrameworkStageSpec): void {
  const pins = pinsOf(s.choice);
  plan.addStage(
    'framework',
    stage({
      id: `framework:${s.block}`,
      name: s.name,
      block: s.block,
      source: s.stack ? plan.below({ stack: true }) : plan.below(),
      independentOf: ['system'],
      env: pipEnv(),
      operations: [
        exec([...pipInstall(ctx.resolution.python), ...indexArgs(ctx.project, s.choice), ...userIndexArgs(ctx), ...pins], {
          mounts: [pipCacheMount(), ...findLinksMount(plan, ctx.project)],
        }),
      ],
      provides: s.provides ?? Object.keys(s.choice.packages),
    }),
  );
}

/**
 * A framework block whose requests are the project's requirement lines naming its packages (requirements
 * files, cog.yaml python_packages, [project.dependencies]) and whose one stage installs its choice; `stage`
 * gives that stage's name and options.
 */
export function requirementsFramework(fw: FrameworkResolver, stage: (c: FrameworkChoice) => Omit<FrameworkStageSpec, 'block' | 'choice'>): FrameworkBlock {
  return {
    name: fw.name,
    framework: fw,
    detect: (project) => frameworkLines(project, fw.packages).length > 0,
    dependencies: (project) => lineRequests(frameworkLines(project, fw.packages), fw.name),
    plan(ctx, plan) {
      const c = ctx.resolution.frameworks[fw.name];
      if (c) frameworkStage(ctx, plan, { block: fw.name, choice: c, ...stage(c) });
    },
  };
}
