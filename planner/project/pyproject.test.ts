import { parsePyproject } from './pyproject';

const withScripts = (scripts: string) => `[project]\nname = "app"\nversion = "1.0"\n\n[project.scripts]\n${scripts}`;

describe('parsePyproject [project.scripts]', () => {
  it('accepts plain command names', () => {
    expect(parsePyproject('/nowhere', withScripts('serve = "app:main"\n"my-app.v2_x" = "app.cli:run"\n')).scripts).toEqual({
      serve: 'app:main',
      'my-app.v2_x': 'app.cli:run',
    });
  });

  it.each([
    ['a slash', '"bin/serve"'],
    ['a parent path', '"../serve"'],
    ['a lone ..', '".."'],
    ['whitespace', '"my serve"'],
    ['a leading dot', '".serve"'],
    ['a leading dash', '"-rf"'],
    ['a shell character', '"serve;rm"'],
  ])('rejects a name with %s at its file:line (it becomes /usr/local/bin/NAME)', (_why, name) => {
    expect(() => parsePyproject('/nowhere', withScripts(`ok = "app:main"\n${name} = "app:main"\n`))).toThrow(
      expect.objectContaining({ code: 'E_PYPROJECT_SCRIPT_NAME', file: 'pyproject.toml', line: 7 }),
    );
  });
});
