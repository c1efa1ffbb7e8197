/**
 * pip: installs the project's requirements (cog.yaml python_requirements / python_packages,
 * requirements.txt, or [project.dependencies]) except the framework lines their own blocks installed.
 * Every line is passed as an argument (local paths rewritten under the read-only context mounts), so the
 * stage's cache key is exactly the requirement set: the rest of the project can change freely. The
 * framework pins are repeated so pip cannot replace the torch/TensorFlow installed below.
 */
import type { Project } from '../planner/project';
import type { Requirement } from '../planner/project/requirements';
import type { Block } from './support/block';
import { frameworkIndexArgs, frameworkLines, frameworkPins, lineRequests, TF_PACKAGES, TORCH_PACKAGES } from './support/frameworks';
import { isArchive, mountedPath, pipCacheMount, pipEnv, pipInstall, userIndexArgs, wheelsMount } from './support/pip';
import { exec, shell, shq, stage } from './support/stage';

function ownLines(project: Project): Requirement[] {
  const framework = new Set(frameworkLines(project, [...TORCH_PACKAGES, ...TF_PACKAGES]));
  return project.requirements.requirements.filter((r) => !framework.has(r));
}

/** What pip is given for one line; local directories are built from a writable copy (pip builds in-tree). */
function argFor(project: Project, r: Requirement, copies: string[]): string {
  if (!r.local) return r.spec.replace(/\s*;\s*/, '; ');
  if (isArchive(r.local)) return mountedPath(project, r.local);
  copies.push(r.local);
  return `/tmp/cogpack-build/${r.local}`;
}

export const pip: Block = {
  name: 'pip',
  detect: (project) => !project.uvLock && ownLines(project).length > 0,
  dependencies: (project) => lineRequests(ownLines(project), 'pip'),
  plan(ctx, plan) {
    const lines = ownLines(ctx.project);
    for (const r of lines) if (r.editable) ctx.warnings.push(`${r.file}:${r.line}: -e is installed as a regular package (the source mount is gone after the build)`);
    const copies: string[] = [];
    const own = lines.map((r) => argFor(ctx.project, r, copies));
    const index = [...frameworkIndexArgs(ctx.project, ctx.resolution), ...userIndexArgs(ctx)];
    const args = [...pipInstall(ctx.resolution.python), ...index, ...own, ...frameworkPins(ctx.project, ctx.resolution)];
    const mounts = [pipCacheMount(), ...wheelsMount(plan, ctx.project)];
    // a shell only when local directories need a writable copy first; otherwise pip runs directly
    const operation = copies.length === 0
      ? exec(args, { mounts })
      : shell([
        ...copies.map((c) => `mkdir -p /tmp/cogpack-build/${shq(c)} && cp -a ${shq(mountedPath(ctx.project, c))}/. /tmp/cogpack-build/${shq(c)}/`),
        args.map(shq).join(' '),
        'rm -rf /tmp/cogpack-build',
      ], { mounts });
    plan.addStage(
      'deps',
      stage({
        id: 'deps:pip',
        name: `pip install ${lines.length} requirement${lines.length === 1 ? '' : 's'}`,
        block: 'pip',
        source: plan.inputBefore('deps'),
        env: pipEnv(),
        operations: [operation],
        provides: ['python-packages'],
      }),
    );
  },
};
