/**
 * entry-points: for a pyproject app (no cog.yaml, not installed by uv), writes a launcher in
 * /usr/local/bin for each [project.scripts] entry, importing from /src. The project is not pip-installed
 * (that would need its build backend, and rebuild with every code change); the launchers are enough.
 */
import type { Project } from '../planner/project';
import { projectFileExists } from '../planner/project/fs-safe';
import type { Block } from './support/block';
import { stage } from './support/stage';

function scripts(project: Project): [string, string][] {
  if (project.cog || project.uvLock?.project) return [];
  return Object.entries(project.pyproject?.scripts ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Where the script's top-level package lives in the image: /src, or /src/src for the src layout
 * (`src/<pkg>/`, what uv/hatch/setuptools templates make), which /src alone would not find.
 */
export function importRoot(project: Project, target: string): string {
  const top = target.split(':')[0].split('.')[0];
  const at = (dir: string) => projectFileExists(project.dir, `${dir}${top}`) || projectFileExists(project.dir, `${dir}${top}.py`);
  return !at('') && at('src/') ? '/src/src' : '/src';
}

export function launcher(target: string, root = '/src'): string {
  const [mod, fn] = target.split(':');
  const [head] = fn.split('.');
  return [
    '#!/usr/bin/env python3',
    '# written by cogpack from [project.scripts]',
    'import sys',
    `sys.path.insert(0, '${root}')`,
    `from ${mod} import ${head}`,
    `sys.exit(${fn}())`,
    '',
  ].join('\n');
}

export const entryPoints: Block = {
  name: 'entry-points',
  detect: (project) => scripts(project).length > 0,
  dependencies: () => [],
  plan(ctx, plan) {
    const list = scripts(ctx.project);
    plan.addStage(
      'code',
      stage({
        id: 'code:entry-points',
        name: `entry points: ${list.map(([n]) => n).join(', ')}`,
        block: 'entry-points',
        source: { type: 'scratch' },
        operations: [
          { op: 'mkdir', path: '/usr/local/bin', mode: 0o755, parents: true },
          ...list.map(([name, target]) => ({
            op: 'mkfile' as const,
            path: `/usr/local/bin/${name}`,
            data: launcher(target, importRoot(ctx.project, target)),
            mode: 0o755,
          })),
        ],
        provides: list.map(([n]) => `script:${n}`),
      }),
    );
  },
};
