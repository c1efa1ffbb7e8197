/** The launcher's environment and setup semantics, on a3's metadata (env ops, placeholders, workenv, setup). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VECTOR_DIR } from '../testing/vectors';
import { packApp, runEnv, runPackage, tempDir, treeSlot, workenvOf } from './test-packages';
import type { SlotInput } from '../writer';

jest.setTimeout(120_000);

const A3 = path.join(VECTOR_DIR, 'inputs/a3-env-exec');
const ENV_DUMP = '#!/bin/sh\nenv | sort\n';

let dir: string;
beforeAll(() => (dir = tempDir('env')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function envOf(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** a3's slots and metadata, plus a raw `bin/env-dump` slot as the command (a3's own run.sh prints too little). */
function a3Package(name: string): string {
  const build = JSON.parse(fs.readFileSync(path.join(A3, 'build.json'), 'utf8'));
  const slots: SlotInput[] = build.slots.map((s: SlotInput & { source: string }) => ({ ...s, content: { kind: 'path', path: path.join(A3, s.source) } }));
  slots.push({ id: 'env-dump', content: { kind: 'bytes', data: Buffer.from(ENV_DUMP) }, target: '{workenv}/bin/env-dump', permissions: '0755' });
  const execution = { ...build.metadata.execution, command: '{workenv}/bin/env-dump' };
  return packApp(dir, name, slots, { ...build.metadata, execution });
}

describe('a3 semantics', () => {
  const callerEnv = {
    PYTHONPATH: '/x',
    VIRTUAL_ENV: '/venv',
    LD_PRELOAD_X: '1',
    LD_LIBRARY_PATH: '/l', // unset (LD_* glob)
    LC_ALL: 'C',
    LANG: 'C.UTF-8', // passed (LC_* glob)
    OLD_API_TOKEN: 'tok',
    LEGACY_HOME: '/legacy', // mapped
    UNRELATED: 'stays', // no unset "*": untouched
  };

  test('runtime.env pass/unset/map/set, workenv.env, execution.env, FLAVOR_* and PATH', () => {
    const cache = path.join(dir, 'cache-a3');
    const pkg = a3Package('a3env');
    const r = runPackage(pkg, [], runEnv(cache, callerEnv));
    expect(r.status).toBe(0);
    const env = envOf(r.stdout);
    const workenv = workenvOf(cache, pkg).dir;
    for (const gone of ['PYTHONPATH', 'VIRTUAL_ENV', 'LD_PRELOAD_X', 'LD_LIBRARY_PATH', 'OLD_API_TOKEN', 'LEGACY_HOME']) expect(env.has(gone)).toBe(false);
    expect(Object.fromEntries([...env].filter(([k]) => !['PATH', 'HOME', 'PWD', 'SHLVL', '_'].includes(k)))).toEqual({
      LC_ALL: 'C',
      LANG: 'C.UTF-8',
      UNRELATED: 'stays',
      API_TOKEN: 'tok',
      APP_LEGACY_HOME: '/legacy',
      PSPF_VECTOR: 'a3',
      EMPTY_VALUE: '',
      LITERAL: '{workenv}/not-substituted', // set: literal
      TMPDIR: `${workenv}/tmp`,
      APP_LOG_DIR: `${workenv}/var/log`, // workenv.env: substituted
      APP_MODE: 'vector',
      APP_HOME: '{workenv}', // execution.env: literal
      FLAVOR_CACHE: cache,
      FLAVOR_WORKENV: workenv,
      FLAVOR_COMMAND_NAME: 'a3env.psp',
      FLAVOR_ORIGINAL_COMMAND: path.join(dir, 'a3env.psp'),
    });
    expect(env.get('PATH')).toBe(`${workenv}/bin:/usr/local/bin:/usr/bin:/bin`);
  });

  test('workenv directories, setup commands and init-slot removal', () => {
    const cache = path.join(dir, 'cache-a3-setup');
    const pkg = a3Package('a3setup');
    expect(runPackage(pkg, [], runEnv(cache)).status).toBe(0);
    const workenv = workenvOf(cache, pkg).dir;
    expect(fs.statSync(path.join(workenv, 'tmp')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(workenv, 'var/log')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(workenv, 'var/installed'), 'utf8')).toBe('vec-a3-env-0.3.0');
    expect(fs.existsSync(path.join(workenv, 'etc/settings.ini'))).toBe(false); // lifecycle init
    expect(fs.statSync(path.join(workenv, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    const log = fs.readFileSync(path.join(workenvOf(cache, pkg).meta, 'setup.log'), 'utf8');
    expect(log).toBe('run.sh --self-test\nPSPF_VECTOR=a3 APP_MODE=vector\nsetup-done\nhook-10\n');
  });

  test('the command gets {workenv}, {package_name} and {version}; user args are appended', () => {
    const build = JSON.parse(fs.readFileSync(path.join(A3, 'build.json'), 'utf8'));
    const slots = build.slots.map((s: SlotInput & { source: string }) => ({ ...s, content: { kind: 'path', path: path.join(A3, s.source) } }));
    const pkg = packApp(dir, 'a3cmd', slots, build.metadata);
    const cache = path.join(dir, 'cache-a3cmd');
    const r = runPackage(pkg, ['--extra'], runEnv(cache));
    const workenv = workenvOf(cache, pkg).dir;
    expect(r).toMatchObject({
      status: 0,
      stdout: `run.sh --config ${workenv}/etc/settings.ini --name vec-a3-env --version 0.3.0 --extra\nPSPF_VECTOR=a3 APP_MODE=vector\n`,
    });
  });

  test('a workenv path with spaces stays one argument (command and setup commands)', () => {
    const build = JSON.parse(fs.readFileSync(path.join(A3, 'build.json'), 'utf8'));
    const slots = build.slots.map((s: SlotInput & { source: string }) => ({ ...s, content: { kind: 'path', path: path.join(A3, s.source) } }));
    const pkg = packApp(dir, 'a3space', slots, build.metadata);
    const cache = path.join(dir, 'cache with spaces');
    const r = runPackage(pkg, [], runEnv(cache));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`run.sh --config ${workenvOf(cache, pkg).dir}/etc/settings.ini --name vec-a3-env --version 0.3.0`);
    expect(fs.readFileSync(path.join(workenvOf(cache, pkg).meta, 'setup.log'), 'utf8')).toMatch(/hook-10/);
  });

  test('unset "*" keeps only the passed names', () => {
    const pkg = packApp(dir, 'strict', [treeSlot('app', { 'bin/app.sh': [0o755, ENV_DUMP] })], {
      runtime: { env: { unset: ['*'], pass: ['KEEP_*', 'PATH'] } },
    });
    const r = runPackage(pkg, [], runEnv(path.join(dir, 'cache-strict'), { KEEP_A: '1', DROP_B: '2' }));
    const env = envOf(r.stdout);
    expect(env.get('KEEP_A')).toBe('1');
    expect(env.has('DROP_B')).toBe(false);
    expect(env.has('HOME')).toBe(false);
  });

  test('a failing setup command stops the first run with 103 and nothing is moved into place', () => {
    const pkg = packApp(dir, 'badsetup', [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho SHOULD-NOT-RUN\n'] })], {
      setup_commands: [{ type: 'execute', command: '/bin/sh -c "echo broken >&2; exit 9"' }],
    });
    const cache = path.join(dir, 'cache-badsetup');
    const r = runPackage(pkg, [], runEnv(cache));
    expect(r.status).toBe(103);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^pspf-launcher: setup command "\/bin\/sh -c "echo broken >&2; exit 9"" failed with status 9 \(output in .*setup\.log\)$/,
    );
    expect(fs.existsSync(path.join(workenvOf(cache, pkg).dir, 'bin/app.sh'))).toBe(false);
  });
});
