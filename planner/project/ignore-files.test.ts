import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CogpackError } from '../../src/errors';
import { exclusionOf, readIgnoreRules } from './ignore-files';
import { loadProject } from '.';

const TESTDATA = path.resolve(__dirname, '..', '..', 'testdata');

/** A copy of a fixture with a .dockerignore: the planner must see the project as the build context does. */
function withIgnore(fixture: string, dockerignore: string, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-ignore-'));
  fs.cpSync(path.join(TESTDATA, fixture), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.dockerignore'), dockerignore);
  for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
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

describe('ignore rules', () => {
  it('names the rule that excludes a path, directories and what is under them included; negation wins', () => {
    const dir = withIgnore('cpu-minimal', '*.txt\n!keep.txt\ndata/\n', { '.cogignore': 'notes.md\n' });
    const excluded = exclusionOf(readIgnoreRules(dir));
    expect(excluded('a.txt')).toEqual({ pattern: '*.txt', source: '.dockerignore', line: 1 });
    expect(excluded('keep.txt')).toBeUndefined();
    expect(excluded('data')).toEqual({ pattern: 'data/', source: '.dockerignore', line: 3 });
    expect(excluded('data/x.bin')).toEqual({ pattern: 'data/', source: '.dockerignore', line: 3 });
    expect(excluded('notes.md')).toEqual({ pattern: 'notes.md', source: '.cogignore', line: 1 });
    expect(excluded('.venv/lib/x.whl')).toEqual({ pattern: '.venv', source: 'default' });
    expect(excluded('predict.py')).toBeUndefined();
  });
});

describe('loadProject sees what the build context sends', () => {
  it('python_requirements naming an excluded file is an error naming the pattern (not read from disk)', () => {
    const err = loadError(path.join(TESTDATA, 'errors', 'dockerignored-requirements'));
    expect(err.code).toBe('E_PATH_EXCLUDED');
    expect(err.toOneLine()).toBe(
      'cog.yaml:3: python_requirements "requirements.txt" is excluded from the build context by .dockerignore:2 pattern "*.txt"; ' +
        'fix: remove or narrow that pattern so that the build context sends requirements.txt [E_PATH_EXCLUDED]',
    );
  });

  it('a wheel path inside requirements.txt, and an -r include, excluded: the error points at the requirements line', () => {
    const wheel = loadError(withIgnore('cpu-apt-wheel', 'wheels/\n'));
    expect(wheel.toOneLine()).toMatch(
      /^requirements\.txt:1: requirement path ".*cogpack_hello-1\.0-py3-none-any\.whl" is excluded .* by \.dockerignore:1 pattern "wheels\/"/,
    );
    const dir = withIgnore('cpu-apt-wheel', 'extra-*\n', { 'requirements.txt': '-r extra-reqs.txt\n', 'extra-reqs.txt': 'six\n' });
    expect(loadError(dir).toOneLine()).toMatch(/^requirements\.txt:1: included requirements file "extra-reqs\.txt" is excluded .* pattern "extra-\*"/);
  });

  it('a declared weights path that is excluded is an error at its cog.yaml line', () => {
    const err = loadError(withIgnore('weights', 'checkpoints\n'));
    expect(err.toOneLine()).toMatch(
      /^cog\.yaml:\d+: weights source "\.\/checkpoints" is excluded from the build context by \.dockerignore:1 pattern "checkpoints"/,
    );
  });

  it('looked-for files that are excluded count as absent: uv.lock, .python-version, requirements.txt', () => {
    const uv = loadProject(withIgnore('uv-lock', 'uv.lock\n.python-version\n', { '.python-version': '3.12\n' }));
    expect(uv.uvLock).toBeUndefined();
    expect(uv.pythonVersionFile).toBeUndefined();
    const shown = loadProject(withIgnore('uv-lock', '', { '.python-version': '3.12\n' }));
    expect(shown.uvLock).toBeDefined();
    expect(shown.pythonVersionFile?.version).toBe('3.12');
    const dir = withIgnore('cpu-minimal', 'requirements.txt\n', { 'requirements.txt': 'six\n' });
    expect(loadProject(dir).warnings.join('\n')).not.toContain('requirements.txt: not installed');
  });

  it('cog.yaml is read even when excluded (it is the entry file), and weights detection skips excluded files', () => {
    const dir = withIgnore('cpu-minimal', 'cog.yaml\nbig.bin\n');
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(11 << 20));
    const p = loadProject(dir);
    expect(p.cog).toBeDefined();
    expect(p.weights).toEqual([]);
  });
});
