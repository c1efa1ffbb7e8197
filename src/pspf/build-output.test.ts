/** Unit tests of the psp build output: the --output spec, entry-point choice and script, and reading an image filesystem. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Project } from '../../planner/project';
import { chooseEntry, entryScript, parsePspOutput } from './build-output';
import { collectDependencies, findPython, resolveInRoot, walkTree } from './build-output-rootfs';

const project = (scripts: Record<string, string>, cmd?: string[], name?: string): Project =>
  ({ pyproject: { file: 'pyproject.toml', name, scripts, tool: cmd ? { cmd } : {} } }) as unknown as Project;

describe('parsePspOutput', () => {
  test('type=psp with dest and entry', () => {
    expect(parsePspOutput('type=psp,dest=out/app.psp,entry=serve')).toEqual({ dest: 'out/app.psp', entry: 'serve' });
  });
  test('other output types are not ours', () => {
    expect(parsePspOutput('type=image,name=x')).toBeUndefined();
  });
  test('missing dest and unknown keys are usage errors', () => {
    expect(() => parsePspOutput('type=psp')).toThrow(/needs dest=FILE/);
    expect(() => parsePspOutput('type=psp,dest=a,push=true')).toThrow(/unknown psp output option "push"/);
  });
});

describe('chooseEntry', () => {
  test('the only script, a tool.cogpack.cmd name, or the one asked for', () => {
    expect(chooseEntry(project({ hello: 'app.cli:main' }))).toEqual({ name: 'hello', target: 'app.cli:main' });
    expect(chooseEntry(project({ a: 'm:a', b: 'm:b' }, ['b'])).name).toBe('b');
    expect(chooseEntry(project({ a: 'm:a', b: 'm:b' }), 'a').name).toBe('a');
    // as the image's CMD: among several, the one named like the project (names compared normalised)
    expect(chooseEntry(project({ 'my-app': 'm:a', other: 'm:b' }, undefined, 'My_App')).name).toBe('my-app');
  });
  test('none, or an ambiguous choice, is an error with a hint', () => {
    expect(() => chooseEntry(project({}))).toThrow(/has none/);
    expect(() => chooseEntry(project({ a: 'm:a', b: 'm:b' }))).toThrow(/has 2 entries/);
    expect(() => chooseEntry(project({ a: 'm:a' }), 'zzz')).toThrow(/no entry "zzz"/);
    expect(() => chooseEntry(project({ 'a b': 'm:a' }))).toThrow(/cannot name a packaged entry point/);
  });
});

describe('entryScript', () => {
  test('imports the function from the extracted src and exits with its result', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-'));
    fs.mkdirSync(path.join(dir, 'root/src/pkg'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'entry'));
    fs.writeFileSync(path.join(dir, 'root/src/pkg/__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'root/src/pkg/cli.py'), 'class App:\n    @staticmethod\n    def run():\n        print("ran")\n        return 4\n');
    fs.writeFileSync(path.join(dir, 'entry/app.py'), entryScript({ name: 'app', target: 'pkg.cli:App.run' }));
    const r = spawnSync('/usr/bin/python3', [path.join(dir, 'entry/app.py')], { encoding: 'utf8', cwd: '/' });
    expect(r).toMatchObject({ status: 4, stdout: 'ran\n' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('rootfs walking', () => {
  test('absolute symlinks resolve inside the image root; inside links are kept, outside ones materialised', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rootfs-'));
    fs.mkdirSync(path.join(root, 'usr/lib/x'), { recursive: true });
    fs.writeFileSync(path.join(root, 'usr/lib/x/real.so'), 'ELF?');
    fs.symlinkSync('usr/lib', path.join(root, 'lib'));
    fs.symlinkSync('/lib/x/real.so', path.join(root, 'usr/lib/x/abs.so'));
    fs.symlinkSync('real.so', path.join(root, 'usr/lib/x/rel.so'));
    expect(resolveInRoot(root, 'usr/lib/x/abs.so')).toBe('usr/lib/x/real.so');
    const entries = walkTree(root, 'usr/lib/x');
    expect(entries.map((e) => [e.name, e.type, e.linkname])).toEqual([
      ['root/usr/lib/x/abs.so', 'file', undefined],
      ['root/usr/lib/x/real.so', 'file', undefined],
      ['root/usr/lib/x/rel.so', 'symlink', 'real.so'],
    ]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('findPython', () => {
  test('finds a /usr/local interpreter (official python images) before /usr, and its site-packages', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rootfs-py-'));
    for (const prefix of ['usr', 'usr/local']) {
      fs.mkdirSync(path.join(root, prefix, 'bin'), { recursive: true });
      fs.mkdirSync(path.join(root, prefix, 'lib/python3.11'), { recursive: true });
      fs.writeFileSync(path.join(root, prefix, 'bin/python3.11'), '');
      fs.writeFileSync(path.join(root, prefix, 'lib/python3.11/os.py'), '');
    }
    fs.mkdirSync(path.join(root, 'usr/local/lib/python3.11/site-packages/dep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'usr/local/lib/python3.11/site-packages/dep/__init__.py'), '');
    const py = findPython(root);
    expect(py).toEqual({ version: '3.11', prefix: 'usr/local', binary: 'usr/local/bin/python3.11' });
    expect(collectDependencies(root, py).map((e) => e.name)).toEqual(['root/usr/local/lib/python3.11/site-packages/dep/__init__.py']);
    expect(() => findPython(root, '3.12')).toThrow(/no python3.X interpreter/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
