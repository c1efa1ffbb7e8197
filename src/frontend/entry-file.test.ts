import { classifyEntry } from './entry-file';

describe('entry file kinds', () => {
  it('cog.yaml (any YAML name, with a # syntax= line), pyproject.toml, plan JSON, other project files', () => {
    expect(classifyEntry('cog.yaml', '# syntax=cogpack.local/f:dev\nbuild: {}\n')).toMatchObject({ kind: 'cog', name: 'cog.yaml' });
    expect(classifyEntry('prod.yml', 'build: {}')).toMatchObject({ kind: 'cog', name: 'cog.yaml' });
    expect(classifyEntry('pyproject.toml', '# syntax=x\n[project]\n')).toMatchObject({ kind: 'pyproject', name: 'pyproject.toml' });
    expect(classifyEntry('plan.json', '{"version":1}')).toMatchObject({ kind: 'plan', name: 'plan.json' });
    expect(classifyEntry('cogpack.plan', '\uFEFF  {"version":1}')).toMatchObject({ kind: 'plan', text: '  {"version":1}' });
    expect(classifyEntry('requirements.txt', 'torch\n')).toMatchObject({ kind: 'project' });
  });
});
