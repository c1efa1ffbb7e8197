/**
 * python: asks for the interpreter version (cog.yaml, .python-version, pyproject requires-python, uv.lock)
 * and makes sure `pythonX.Y`, `python`, `python3` and pip exist. python:X-slim and stand-in bases already
 * have the right interpreter (then only missing `python`/`python3` links are added); bases without it
 * (nvidia/cuda) get a uv-managed CPython.
 */
import type { DependencyRequest } from '../planner/resolver/types';
import type { Project } from '../planner/project';
import tools from './data/tools.json';
import type { Block } from './support/block';
import { APT_CLEAN, aptEnv } from './support/apt-env';
import { shell, stage } from './support/stage';

/** `3.11` → `==3.11.*`, `3.11.9` → `==3.11.9`; anything else is already a constraint. */
function asConstraint(v: string): string {
  if (/^\d+\.\d+$/.test(v)) return `==${v}.*`;
  if (/^\d+\.\d+\.\d+$/.test(v)) return `==${v}`;
  return v;
}

function requests(project: Project): DependencyRequest[] {
  const out: DependencyRequest[] = [];
  const add = (constraint: string, source: string) => out.push({ kind: 'python', name: 'python', constraint, source, requester: 'python' });
  const cog = project.cog;
  if (cog?.data.build?.python_version) add(asConstraint(cog.data.build.python_version), cog.sourceOf(['build', 'python_version']));
  const tool = project.pyproject?.tool.python;
  if (tool) add(asConstraint(tool), `pyproject.toml:${project.pyproject!.toolLine('python')} tool.cogpack.python`);
  if (project.pythonVersionFile) add(asConstraint(project.pythonVersionFile.version), project.pythonVersionFile.source);
  if (project.pyproject?.requiresPython) add(project.pyproject.requiresPython.constraint, project.pyproject.requiresPython.source);
  if (project.uvLock?.requiresPython) add(project.uvLock.requiresPython, 'uv.lock requires-python');
  return out;
}

function installScript(py: string): string[] {
  return [
    `PY=$(command -v python${py} || true)`,
    'if [ -z "$PY" ]; then',
    '  apt-get update && apt-get install -y --no-install-recommends ca-certificates curl',
    `  ${APT_CLEAN}`,
    `  curl -LsSf ${tools.uv.installer} | env UV_INSTALL_DIR=/opt/cogpack-uv UV_NO_MODIFY_PATH=1 sh`,
    `  UV_PYTHON_INSTALL_DIR=/opt/python /opt/cogpack-uv/uv python install ${py}`,
    `  PY=$(UV_PYTHON_INSTALL_DIR=/opt/python /opt/cogpack-uv/uv python find ${py})`,
    `  ln -s "$PY" /usr/local/bin/python${py}`,
    '  rm -rf /opt/cogpack-uv /root/.cache/uv',
    'fi',
    `for n in python python3; do`,
    `  [ "$($n -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)" = ${py} ] || ln -sf "$PY" /usr/local/bin/$n`,
    'done',
    `python${py} -m pip --version >/dev/null 2>&1 || python${py} -m ensurepip`,
  ];
}

export const python: Block = {
  name: 'python',
  detect: () => true,
  dependencies: (project) => {
    const user = requests(project);
    // a preference, not a requirement: the resolver drops it when torch/TF or the user need another version
    return user.length > 0 ? user : [{ kind: 'python', name: 'python', constraint: '==3.12.*', source: 'default', requester: 'python' }];
  },
  plan(ctx, plan) {
    const py = ctx.resolution.python;
    plan.addStage(
      'python',
      stage({
        id: 'python:python',
        name: `python ${py}`,
        block: 'python',
        source: plan.below(),
        // also makes ensurepip's pycs hash-based, so they stay valid in the squashed layer
        env: aptEnv(),
        operations: [shell(installScript(py))],
        provides: ['python', 'pip'],
      }),
    );
    Object.assign(plan.data.export.env, { PYTHONUNBUFFERED: '1' });
  },
};
