import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CogpackError } from '../../src/errors';
import { loadProject } from '.';

/** A cog project (predictor predict.py) with extra files; `links` are symlinks (path → target). */
const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function project(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = tempDir('cogpack-source-');
  const all: Record<string, string> = { 'cog.yaml': 'build:\n  python_version: "3.11"\nrun: "predict.py:Predictor"\n', 'predict.py': 'x = 1\n', ...files };
  for (const f of Object.keys(links)) delete all[f];
  for (const [f, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  for (const [f, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, f));
  return dir;
}

function loadError(dir: string): CogpackError {
  try {
    loadProject(dir);
  } catch (e) {
    return e as CogpackError;
  }
  throw new Error('loadProject did not throw');
}

describe('what /src holds: ignore rules that leave the predictor out, or everything', () => {
  it('warns when a pattern leaves the predictor out of /src, naming file:line and pattern', () => {
    const p = loadProject(project({ '.dockerignore': '# keep it small\n*.md\n*.py\n' }));
    expect(p.warnings).toContain(
      'cog.yaml:3: run file predict.py is left out of /src by .dockerignore:3 pattern "*.py", so the model cannot start; remove or narrow that pattern',
    );
  });

  it('warns when the patterns leave /src empty, naming the pattern', () => {
    const p = loadProject(project({ '.dockerignore': '*\n' }));
    expect(p.warnings.join('\n')).toContain('.dockerignore:1 pattern "*" leaves /src empty');
  });

  it('no warning for a project whose predictor and code are sent', () => {
    const p = loadProject(project({ '.dockerignore': '*.md\n', 'README.md': 'x' }));
    expect(p.warnings.filter((w) => w.includes('/src'))).toEqual([]);
  });
});

describe('one containment rule for paths project files name', () => {
  it('a predictor in a subdirectory is found; train is checked too', () => {
    const dir = project({ 'cog.yaml': 'run: "src/predict.py:P"\ntrain: "train.py:T"\n', 'src/predict.py': '' });
    expect(loadError(dir).toOneLine()).toMatch(/^cog\.yaml:2: train file "train\.py" does not exist; .*\[E_FILE_MISSING\]$/);
  });

  it('a predictor symlinked inside the project is fine; one dangling out of it is refused as outside, not missing', () => {
    expect(loadProject(project({ 'real.py': '' }, { 'predict.py': 'real.py' })).cog).toBeDefined();
    const dangling = project({}, { 'p.py': '/nonexistent-cogpack/p.py' });
    fs.writeFileSync(path.join(dangling, 'cog.yaml'), 'run: "p.py:P"\n');
    expect(loadError(dangling).code).toBe('E_PATH_ESCAPES');
  });

  it('a local wheel in requirements that is a symlink out of the project is refused at its line', () => {
    const outside = tempDir('cogpack-outside-');
    fs.writeFileSync(path.join(outside, 'x-1.0-py3-none-any.whl'), 'zip');
    const dir = project(
      {
        'cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n',
        'requirements.txt': 'six\n./x-1.0-py3-none-any.whl\n',
      },
      { 'x-1.0-py3-none-any.whl': path.join(outside, 'x-1.0-py3-none-any.whl') },
    );
    expect(loadError(dir).toOneLine()).toMatch(
      /^requirements\.txt:2: requirement path "x-1\.0-py3-none-any\.whl" is a symlink to a path outside the project; .*\[E_PATH_ESCAPES\]$/,
    );
  });

  it('uv.lock local sources inside the project pass the same rule', () => {
    const lock =
      'version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[[package]]\nname = "lib"\nversion = "1.0"\nsource = { directory = "libs/lib" }\n';
    const dir = project({ 'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\n', 'uv.lock': lock, 'libs/lib/pyproject.toml': '' });
    expect(loadProject(dir).uvLock?.packages.lib).toBe('1.0');
    fs.rmSync(path.join(dir, 'libs'), { recursive: true });
    expect(loadError(dir).toOneLine()).toMatch(/^uv\.lock:11: "lib" directory source "libs\/lib" does not exist/);
  });
});
