import { planOf, tempProject } from '../src/testing/temp-project';
import { planProject } from '../stacks/plan-project';
import { dependenciesLabel } from './export-config';

const app = (scripts: string, tool = '') =>
  tempProject({ 'pyproject.toml': `[project]\nname = "my_app"\nversion = "1.0"\n\n[project.scripts]\n${scripts}\n${tool}`, 'my_app/__init__.py': '' });

describe('export-config', () => {
  it('labels exact versions as versions and what pip resolves at build time as constraints', async () => {
    const plan = await planOf(
      tempProject({
        'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
        'requirements.txt': 'numpy==1.26.4\npillow>=9\nrequests\n',
        'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n',
      }),
    );
    expect(JSON.parse(plan.export.labels['dev.cogpack.dependencies'])).toEqual({
      versions: { numpy: '1.26.4', python: '3.11' },
      constraints: { pillow: '>=9' },
    });
  });

  it('gives the same label bytes whatever order the dependencies come in', () => {
    const dep = (name: string, resolved_version: string) => ({ name, provider: 'pip', requested_version: '', resolved_version, source: 'x' });
    const a = { torch: dep('torch', '2.3.1+cpu'), numpy: dep('numpy', '<2'), cog: dep('cog', '*') };
    const b = { cog: a.cog, numpy: a.numpy, torch: a.torch };
    expect(dependenciesLabel(a)).toBe('{"constraints":{"numpy":"<2"},"versions":{"torch":"2.3.1+cpu"}}');
    expect(dependenciesLabel(b)).toBe(dependenciesLabel(a));
  });

  it('runs the only script, or the one named like the project among several', async () => {
    expect((await planOf(app('serve = "my_app:main"\n'))).export.cmd).toEqual(['/usr/local/bin/serve']);
    expect((await planOf(app('admin = "my_app:admin"\nmy-app = "my_app:main"\nzz = "my_app:zz"\n'))).export.cmd).toEqual(['/usr/local/bin/my-app']);
  });

  it('refuses to guess among several scripts, naming them and the [tool.cogpack] choice; cmd decides', async () => {
    const scripts = 'admin = "my_app:admin"\nserve = "my_app:main"\n';
    await expect(planProject(app(scripts), { env: {} })).rejects.toMatchObject({
      code: 'E_ENTRY_POINT_AMBIGUOUS',
      file: 'pyproject.toml',
      line: 5,
      message: expect.stringContaining('(admin, serve)'),
      hint: expect.stringContaining('cmd = ["admin"]'),
    });
    expect((await planOf(app(scripts, '[tool.cogpack]\ncmd = ["serve"]\n'))).export.cmd).toEqual(['serve']);
  });
});
