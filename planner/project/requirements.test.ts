import { tempProject } from '../../src/testing/temp-project';
import { parseRequirementEntries, parseRequirementsFile } from './requirements';

describe('parseRequirementsFile', () => {
  it('follows -r includes relative to the including file and keeps file:line for every line', () => {
    const dir = tempProject({
      'reqs/main.txt': '--extra-index-url https://x.example/simple\n-r common.txt\n\n# c\nrich==13.7.1 \\\n  --hash=sha256:ab\n',
      'reqs/common.txt': '--find-links ../wheels\n--no-index\nnumpy>=1.26 ; python_version >= "3.10"\n./../wheels/a-1.0-py3-none-any.whl\n',
      'wheels/a-1.0-py3-none-any.whl': 'zip',
    });
    const r = parseRequirementsFile(dir, 'reqs/main.txt', {});
    expect(r.files).toEqual(['reqs/main.txt', 'reqs/common.txt']);
    expect(r.extraIndexUrls).toEqual(['https://x.example/simple']);
    expect(r.findLinks).toEqual([{ value: 'wheels', local: true }]);
    expect(r.noIndex).toBe(true);
    expect(r.requirements.map((q) => [q.name, q.constraint, q.local, `${q.file}:${q.line}`])).toEqual([
      ['numpy', '>=1.26', undefined, 'reqs/common.txt:3'],
      ['a', '', 'wheels/a-1.0-py3-none-any.whl', 'reqs/common.txt:4'],
      ['rich', '==13.7.1', undefined, 'reqs/main.txt:5'],
    ]);
  });

  it('rejects paths that leave the project and unknown options', () => {
    const dir = tempProject({ 'r.txt': '-r ../../etc/passwd\n', 'o.txt': '--frobnicate\n' });
    expect(() => parseRequirementsFile(dir, 'r.txt', {})).toThrow(expect.objectContaining({ code: 'E_PATH_ESCAPES', file: 'r.txt', line: 1 }));
    expect(() => parseRequirementsFile(dir, 'o.txt', {})).toThrow(expect.objectContaining({ code: 'E_REQUIREMENT_OPTION' }));
  });

  it('rejects a local requirement that is not there, at its file and line (not a pip failure mid-build)', () => {
    const dir = tempProject({
      'r.txt': 'numpy\n./wheels/gone-1.0-py3-none-any.whl\n',
      'd.txt': 'pkg @ file:./vendor/pkg\n',
      'ok.txt': './vendor/pkg\n-e ./vendor/pkg\n',
      'vendor/pkg/pyproject.toml': '',
    });
    expect(() => parseRequirementsFile(dir, 'r.txt', {})).toThrow(expect.objectContaining({ code: 'E_FILE_MISSING', file: 'r.txt', line: 2 }));
    expect(() => parseRequirementsFile(dir, 'd.txt', {})).not.toThrow();
    expect(parseRequirementsFile(dir, 'ok.txt', {}).requirements.map((q) => q.local)).toEqual(['vendor/pkg', 'vendor/pkg']);
  });

  it('reads a local path with spaces as pip does: up to the first -option, markers after ";"', () => {
    const dir = tempProject({
      'r.txt':
        './My Wheels/a-1.0-py3-none-any.whl --config-settings x=y\n./vendor, x/b-2.0-py3-none-any.whl ; python_version >= "3.8"\n./c-3.0-py3-none-any.whl;sys_platform == "linux"\n',
      'My Wheels/a-1.0-py3-none-any.whl': 'zip',
      'vendor, x/b-2.0-py3-none-any.whl': 'zip',
      'c-3.0-py3-none-any.whl': 'zip',
    });
    expect(parseRequirementsFile(dir, 'r.txt', {}).requirements.map((q) => [q.name, q.local])).toEqual([
      ['a', 'My Wheels/a-1.0-py3-none-any.whl'],
      ['b', 'vendor, x/b-2.0-py3-none-any.whl'],
      ['c', 'c-3.0-py3-none-any.whl'],
    ]);
  });

  it('keeps --hash options (pip reads them only from a file) and refuses malformed ones at file:line', () => {
    const sha = 'a'.repeat(64);
    const dir = tempProject({
      'r.txt': `rich==13.7.1 \\\n  --hash=sha256:${sha} \\\n  --hash sha512:bb\nnumpy==1.26.4 --hash=sha256:cc ; python_version >= "3.10"\n`,
      'bad.txt': 'numpy==1.26.4 --hash=md5:00\n',
    });
    const r = parseRequirementsFile(dir, 'r.txt', {});
    expect(r.requirements.map((q) => [q.spec, q.hashes])).toEqual([
      ['rich==13.7.1', [`sha256:${sha}`, 'sha512:bb']],
      ['numpy==1.26.4 ; python_version >= "3.10"', ['sha256:cc']],
    ]);
    expect(() => parseRequirementsFile(dir, 'bad.txt', {})).toThrow(expect.objectContaining({ code: 'E_REQUIREMENT_HASH', file: 'bad.txt', line: 1 }));
  });

  it('carries --trusted-host to pip instead of ignoring it', () => {
    const dir = tempProject({ 'r.txt': '--extra-index-url http://mirror.local:8080/simple\n--trusted-host mirror.local:8080\nnumpy\n' });
    const r = parseRequirementsFile(dir, 'r.txt', {});
    expect(r.trustedHosts).toEqual(['mirror.local:8080']);
    expect(r.warnings).toEqual([]);
  });

  it('refuses ${VAR} (pip would expand it from the environment) at file:line, in options and requirement lines', () => {
    const dir = tempProject({
      'a.txt': 'numpy\n--index-url https://${TOKEN}@pypi.example/simple\n',
      'b.txt': '# ${NOT_READ} in a comment\npkg==${VERSION}\n',
      'c.txt': 'pkg==1.0 ; python_version >= "${lower_case_is_literal_for_pip}"\n',
    });
    expect(() => parseRequirementsFile(dir, 'a.txt', {})).toThrow(
      expect.objectContaining({ code: 'E_REQUIREMENT_ENV_VAR', file: 'a.txt', line: 2, message: expect.stringContaining('${TOKEN}') }),
    );
    expect(() => parseRequirementsFile(dir, 'b.txt', {})).toThrow(expect.objectContaining({ code: 'E_REQUIREMENT_ENV_VAR', file: 'b.txt', line: 2 }));
    expect(() => parseRequirementsFile(dir, 'c.txt', {})).not.toThrow();
  });
});

describe('python_packages entries', () => {
  it('read as the lines of a requirements file: option lines set the index, requirements keep their cog.yaml line', () => {
    const r = parseRequirementEntries('/nonexistent', 'cog.yaml', [
      { text: '--extra-index-url https://download.pytorch.org/whl/cu118', line: 5 },
      { text: 'torch==2.0.1', line: 6 },
    ]);
    expect(r.extraIndexUrls).toEqual(['https://download.pytorch.org/whl/cu118']);
    expect(r.requirements).toEqual([expect.objectContaining({ name: 'torch', constraint: '==2.0.1', file: 'cog.yaml', line: 6 })]);
    expect(r.files).toEqual([]);
  });
});
