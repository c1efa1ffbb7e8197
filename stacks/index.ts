/** The stack registry: the first stack whose detect() accepts the project plans it. Only python exists today. */
import { ConfigError } from '../src/errors';
import type { Project } from '../planner/project';
import { pythonStack } from './python';
import type { Stack } from './stack';

export const STACKS: readonly Stack[] = [pythonStack];

export function selectStack(project: Project): Stack {
  const stack = STACKS.find((s) => s.detect(project));
  if (!stack) {
    throw new ConfigError('E_NO_STACK', 'no supported project found (no cog.yaml, pyproject.toml, requirements.txt or .py files)', {
      hint: 'run cogpack in a Python project directory, or add a cog.yaml',
    });
  }
  return stack;
}
