/**
 * pip: installs the project's requirements (cog.yaml python_requirements / python_packages,
 * requirements.txt, or [project.dependencies]) except the framework lines their own blocks installed
 * (every distribution a block in blocks/frameworks.ts owns).
 * Every line is passed as an argument (local paths rewritten under the read-only context mounts), so the
 * stage's cache key is exactly the requirement set: the rest of the project can change freely. The
 * framework pins are repeated so pip cannot replace the torch/TensorFlow installed below. With `--hash`
 * options (pip's hash-checking mode) the lines go to pip in a requirements file instead, the one place pip
 * reads --hash; the file is written and removed inside the stage, so it is never in the layer.
 */
import type { Project } from '../planner/project';
import type { Mount, Operation } from '../planner/plan-schema';
import { checkHashMode } from '../planner/project/requirement-hashes';
import type { Requirement } from '../planner/project/requirements';
import type { Block, BlockContext } from './support/block';
import { FRAMEWORK_PACKAGES } from './frameworks';
import { frameworkIndexArgs, frameworkLines, frameworkPins, lineRequests } from './support/frameworks';
import { isArchive, mountedPath, pipCacheMount, pipEnv, pipInstall, userIndexArgs, wheelsMount } from './support/pip';
import { exec, shell, shq, stage } from './support/stage';

function ownLines(project: Project): Requirement[] {
  const framework = new Set(frameworkLines(project, FRAMEWORK_PACKAGES));
  return project.requirements.requirements.filter((r) => !framework.has(r));
}

/** What pip is given for one line; local directories are built from a writable copy (pip builds in-tree). */
function argFor(project: Project, r: Requirement, copies: string[]): string {
  if (!r.local) return r.spec.replace(/\s*;\s*/, '; ');
  if (isArchive(r.local)) return mountedPath(project, r.local);
  copies.push(r.local);
  return `/tmp/cogpack-build/${r.local}`;
}

interface PipArgs {
  /** pip install and the index options */
  head: string[];
  /** one argument per requirement line */
  own: string[];
  /** local directories built from a writable copy */
  copies: string[];
  mounts: Mount[];
}

/** Where the hash-checking stage writes the requirement lines for pip (removed before the stage ends). */
export const HASHED_REQUIREMENTS = '/tmp/cogpack-requirements.txt';

/** The lines with their hashes, as pip reads them from a requirements file (local paths already rewritten). */
export function hashedRequirements(lines: Requirement[], own: string[]): string {
  return lines.map((r, i) => [own[i], ...r.hashes.map((h) => `--hash=${h}`)].join(' ')).join('\n') + '\n';
}

/**
 * The stage's operations. Hash-checking mode has no local directories to copy (pip refuses them there,
 * checkHashMode too) and no framework pins (hashed torch/TensorFlow lines are refused by frameworkLines).
 */
function operations(ctx: BlockContext, lines: Requirement[], pipArgs: PipArgs): Operation[] {
  const { head, own, copies } = pipArgs;
  const mounts = { mounts: pipArgs.mounts };
  if (checkHashMode(ctx.project.requirements.requirements, (local) => !isArchive(local))) {
    return [
      { op: 'mkfile', path: HASHED_REQUIREMENTS, data: hashedRequirements(lines, own), mode: 0o644 },
      exec([...head, '-r', HASHED_REQUIREMENTS], mounts),
      { op: 'rm', path: HASHED_REQUIREMENTS, allow_not_found: false },
    ];
  }
  const args = [...head, ...own, ...frameworkPins(ctx.resolution)];
  // a shell only when local directories need a writable copy first; otherwise pip runs directly
  if (copies.length === 0) return [exec(args, mounts)];
  return [
    shell(
      [
        ...copies.map((c) => `mkdir -p /tmp/cogpack-build/${shq(c)} && cp -a ${shq(mountedPath(ctx.project, c))}/. /tmp/cogpack-build/${shq(c)}/`),
        args.map(shq).join(' '),
        'rm -rf /tmp/cogpack-build',
      ],
      mounts,
    ),
  ];
}

export const pip: Block = {
  name: 'pip',
  detect: (project) => !project.uvLock && ownLines(project).length > 0,
  dependencies: (project) => lineRequests(ownLines(project), 'pip'),
  plan(ctx, plan) {
    const lines = ownLines(ctx.project);
    for (const r of lines)
      if (r.editable) ctx.warnings.push(`${r.file}:${r.line}: -e is installed as a regular package (the source mount is gone after the build)`);
    const copies: string[] = [];
    const own = lines.map((r) => argFor(ctx.project, r, copies));
    const head = [...pipInstall(ctx.resolution.python), ...frameworkIndexArgs(ctx.project, ctx.resolution), ...userIndexArgs(ctx)];
    const mounts = [pipCacheMount(), ...wheelsMount(plan, ctx.project)];
    plan.addStage(
      'deps',
      stage({
        id: 'deps:pip',
        name: `pip install ${lines.length} requirement${lines.length === 1 ? '' : 's'}`,
        block: 'pip',
        source: plan.below(),
        env: pipEnv(),
        operations: operations(ctx, lines, { head, own, copies, mounts }),
        provides: ['python-packages'],
      }),
    );
  },
};
