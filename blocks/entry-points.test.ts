import { launcher } from './entry-points';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const pyproject = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n[project.scripts]\napp = "app.cli:main"\n';

const launcherOf = async (files: Record<string, string>) => {
  const op = stageOf(await planOf(tempProject({ 'pyproject.toml': pyproject, ...files })), 'code:entry-points')!.operations[1];
  if (op.op !== 'mkfile') throw new Error('expected mkfile');
  return op.data;
};

describe('entry-points block', () => {
  it('imports a flat-layout package from /src', async () => {
    expect(await launcherOf({ 'app/__init__.py': '', 'app/cli.py': 'def main(): pass\n' })).toBe(launcher('app.cli:main', '/src'));
  });

  it('imports a src-layout package from /src/src', async () => {
    const data = await launcherOf({ 'src/app/__init__.py': '', 'src/app/cli.py': 'def main(): pass\n' });
    expect(data).toContain("sys.path.insert(0, '/src/src')");
    expect(data).toContain('from app.cli import main');
  });
});
