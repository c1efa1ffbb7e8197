/**
 * Every error path a user can reach, through the real CLI process: hostile and careless input made at test
 * time (FIFOs, devices, oversized files…, which git cannot hold) must end within seconds with exactly one
 * stderr line ending in the error code, and the exit status of its category (src/errors.ts EXIT_CODES).
 * Build cases point DOCKER_HOST at a socket that does not exist: a usage error must come before connecting
 * (exit 64, not 3). testdata/errors/ holds the static cases (src/commands/plan.test.ts).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanCliEnv, errorLines, runCli, type CliRun } from '../testing/cli';

interface Case {
  /** the issue-15 class the case belongs to, then what it is */
  name: string;
  /** writes the case into `dir` (a valid project) and returns the CLI arguments */
  setup: (dir: string) => string[];
  exit: number;
  code: string;
  /** text the one error line must contain (a file name, a variable…) */
  names?: string;
  env?: NodeJS.ProcessEnv;
  /** run as nobody (uid 65534): as root, permission bits are not checked */
  nobody?: boolean;
  /** the whole of stderr is at most this long */
  maxStderr?: number;
}

const COG_YAML = 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n';

const NOBODY = 65534;

/** A valid project; one nobody can read lives outside the test run's private (0700) temp root. */
function project(nobody = false): string {
  const dir = fs.mkdtempSync(path.join(nobody ? '/tmp' : os.tmpdir(), 'cogpack-exit-'));
  if (nobody) {
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, '.tmp'), { mode: 0o1777 });
    fs.chmodSync(path.join(dir, '.tmp'), 0o1777);
  }
  fs.writeFileSync(path.join(dir, 'cog.yaml'), COG_YAML);
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'six==1.16.0\n');
  fs.writeFileSync(
    path.join(dir, 'predict.py'),
    'from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return "ok"\n',
  );
  return dir;
}

const fifo = (p: string): void => {
  fs.rmSync(p, { force: true });
  execFileSync('mkfifo', [p]);
};
/** a character device like /dev/zero (major 1, minor 5): reads never end */
const zeroDevice = (p: string): void => {
  fs.rmSync(p, { force: true });
  execFileSync('mknod', [p, 'c', '1', '5']);
};
const plan = (dir: string): string[] => ['plan', dir];
const build = (dir: string, ...flags: string[]): string[] => ['build', dir, ...flags];

/** 3 aliases of 9 aliases each, 7 levels deep: 9^7 values once expanded (the "billion laughs" shape). */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
].join('\n');

/** nested directories whose path is longer than PATH_MAX (4096), made with relative mkdirs */
function deepTree(dir: string): void {
  execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 24); do mkdir ${'d'.repeat(200)} && cd ${'d'.repeat(200)}; done && touch f.py`, '_', dir]);
}

const ALL_CASES: Case[] = [
  // class 1: only regular files are read, each within a size cap
  { name: '1 FIFO cog.yaml', setup: (d) => (fifo(path.join(d, 'cog.yaml')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: 'cog.yaml' },
  {
    name: '1 FIFO requirements.txt',
    setup: (d) => (fifo(path.join(d, 'requirements.txt')), plan(d)),
    exit: 2,
    code: 'E_NOT_REGULAR_FILE',
    names: 'requirements.txt',
  },
  { name: '1 FIFO .dockerignore', setup: (d) => (fifo(path.join(d, '.dockerignore')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: '.dockerignore' },
  {
    name: '1 device requirements.txt',
    setup: (d) => (zeroDevice(path.join(d, 'requirements.txt')), plan(d)),
    exit: 2,
    code: 'E_NOT_REGULAR_FILE',
    names: 'requirements.txt',
  },
  {
    name: '1 device .python-version',
    setup: (d) => (zeroDevice(path.join(d, '.python-version')), plan(d)),
    exit: 2,
    code: 'E_NOT_REGULAR_FILE',
    names: '.python-version',
  },
  {
    name: '1 cog.yaml over the size cap',
    setup: (d) => (fs.writeFileSync(path.join(d, 'cog.yaml'), COG_YAML + '#'.repeat(5 * 1024 * 1024)), plan(d)),
    exit: 2,
    code: 'E_FILE_TOO_LARGE',
    names: 'cog.yaml',
  },
  {
    name: '1 FIFO .psp to pspf verify',
    setup: (d) => (fifo(path.join(d, 'a.psp')), ['pspf', 'verify', path.join(d, 'a.psp')]),
    exit: 64,
    code: 'E_NOT_REGULAR_FILE',
    names: 'a.psp',
  },
  {
    name: '1 FIFO .psp to pspf inspect',
    setup: (d) => (fifo(path.join(d, 'a.psp')), ['pspf', 'inspect', path.join(d, 'a.psp')]),
    exit: 64,
    code: 'E_NOT_REGULAR_FILE',
    names: 'a.psp',
  },

  {
    name: '1 FIFO .psp to pspf extract',
    setup: (d) => (fifo(path.join(d, 'a.psp')), ['pspf', 'extract', path.join(d, 'a.psp'), '0', path.join(d, 'out')]),
    exit: 64,
    code: 'E_NOT_REGULAR_FILE',
  },
  {
    name: '1 FIFO --plan to llb',
    setup: (d) => (fifo(path.join(d, 'plan.json')), ['llb', d, '--plan', path.join(d, 'plan.json')]),
    exit: 64,
    code: 'E_NOT_REGULAR_FILE',
    names: 'plan.json',
  },
  {
    name: '1 device --private-key to a psp build',
    setup: (d) => build(d, '--output', `type=psp,dest=${d}/a.psp`, '--private-key', '/dev/zero'),
    exit: 64,
    code: 'E_NOT_REGULAR_FILE',
    names: '/dev/zero',
  },
  {
    name: '1 FIFO pyproject.toml',
    setup: (d) => (fs.rmSync(path.join(d, 'cog.yaml')), fifo(path.join(d, 'pyproject.toml')), plan(d)),
    exit: 2,
    code: 'E_NOT_REGULAR_FILE',
    names: 'pyproject.toml',
  },

  // class 2: user input is never an internal error (exit 70)
  { name: '2 project directory missing', setup: (d) => plan(path.join(d, 'nope')), exit: 2, code: 'E_PROJECT_DIR' },
  { name: '2 unknown flag', setup: (d) => ['plan', d, '--no-such-flag'], exit: 64, code: '' },
  {
    name: '2 YAML alias bomb',
    setup: (d) => (fs.appendFileSync(path.join(d, 'cog.yaml'), `${ALIAS_BOMB}\n`), plan(d)),
    exit: 2,
    code: 'E_COG_YAML',
    names: 'cog.yaml:6:',
  },
  { name: '2 directory nested past PATH_MAX', setup: (d) => (deepTree(d), plan(d)), exit: 2, code: 'E_PATH_TOO_LONG', maxStderr: 400 },
  {
    name: '2 unreadable requirements.txt (EACCES)',
    setup: (d) => (fs.chmodSync(path.join(d, 'requirements.txt'), 0), plan(d)),
    exit: 2,
    code: 'E_FILE_UNREADABLE',
    names: 'requirements.txt',
    nobody: true,
  },
  {
    name: '2 unreadable directory (EACCES)',
    setup: (d) => (fs.mkdirSync(path.join(d, 'private'), { mode: 0 }), plan(d)),
    exit: 2,
    code: 'E_FILE_UNREADABLE',
    names: 'private',
    nobody: true,
  },
  {
    name: '2 unreadable cog.yaml (EACCES)',
    setup: (d) => (fs.chmodSync(path.join(d, 'cog.yaml'), 0), plan(d)),
    exit: 2,
    code: 'E_FILE_UNREADABLE',
    names: 'cog.yaml',
    nobody: true,
  },
  {
    name: '2 file names that are not UTF-8 plan (exit 0)',
    setup: (d) => {
      fs.writeFileSync(Buffer.from(`${d}/caf\xe9.py`, 'latin1'), 'x = 1\n');
      fs.mkdirSync(Buffer.from(`${d}/\xff\xfe`, 'latin1'));
      fs.writeFileSync(Buffer.from(`${d}/\xff\xfe/w\x80.bin`, 'latin1'), Buffer.alloc(11 << 20));
      return plan(d);
    },
    exit: 0,
    code: '',
  },
  { name: '2 bad image name, before connecting', setup: (d) => build(d, '-t', 'Bad Tag::x'), exit: 64, code: 'E_IMAGE_NAME', names: 'Bad Tag::x' },
  {
    name: '2 psp dest under a regular file, before the build',
    setup: (d) => (fs.writeFileSync(path.join(d, 'FILE'), ''), build(d, '--output', `type=psp,dest=${d}/FILE/x.psp`)),
    exit: 73,
    code: 'E_OUTPUT_PATH',
    names: 'FILE',
  },

  // class 4: --secret sources are checked before connecting, whether or not a step is cached
  { name: '4 secret src missing', setup: (d) => build(d, '--secret', `id=tok,src=${d}/nonexistent`), exit: 64, code: 'E_SECRET_SOURCE', names: 'nonexistent' },
  {
    name: '4 secret env unset',
    setup: (d) => build(d, '--secret', 'id=tok,env=COGPACK_TEST_UNSET_VAR'),
    exit: 64,
    code: 'E_SECRET_SOURCE',
    names: 'COGPACK_TEST_UNSET_VAR',
  },
  { name: '4 secret src is a directory', setup: (d) => build(d, '--secret', `id=tok,src=${d}`), exit: 64, code: 'E_SECRET_SOURCE' },
  { name: '4 secret src is /dev/zero', setup: (d) => build(d, '--secret', 'id=tok,src=/dev/zero'), exit: 64, code: 'E_SECRET_SOURCE', names: '/dev/zero' },
  {
    name: '4 secret src is a FIFO',
    setup: (d) => (fifo(path.join(d, 'tok')), build(d, '--secret', `id=tok,src=${d}/tok`)),
    exit: 64,
    code: 'E_SECRET_SOURCE',
    names: 'tok',
  },
  {
    name: "4 secret over BuildKit's 500 KiB",
    setup: (d) => (fs.writeFileSync(path.join(d, 'tok'), Buffer.alloc(600 * 1024, 'x')), build(d, '--secret', `id=tok,src=${d}/tok`)),
    exit: 64,
    code: 'E_SECRET_TOO_LARGE',
  },
];

/** EXIT_CASES=4 (a prefix of the names) runs only those, while working on one class. */
const CASES = ALL_CASES.filter((c) => c.name.startsWith(process.env.EXIT_CASES ?? ''));

/** Runs the cases two at a time: the machine's two cores are shared with other work. */
async function runAll(): Promise<Map<string, CliRun>> {
  const results = new Map<string, CliRun>();
  const queue = [...CASES];
  const dirs: string[] = [];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const dir = project(c.nobody);
      dirs.push(dir);
      const args = c.setup(dir);
      const env = cleanCliEnv({ DOCKER_HOST: `unix://${dir}/no-daemon.sock`, ...(c.nobody ? { TMPDIR: `${dir}/.tmp`, HOME: `${dir}/.tmp` } : {}), ...c.env });
      results.set(c.name, await runCli(args, { timeoutMs: 90_000, env, uid: c.nobody ? NOBODY : undefined }));
    }
  };
  try {
    await Promise.all([worker(), worker()]);
  } finally {
    // rm(1), not fs.rmSync: it removes trees deeper than PATH_MAX
    for (const d of dirs) execFileSync('rm', ['-rf', d]);
  }
  return results;
}

let results: Map<string, CliRun>;
beforeAll(async () => {
  results = await runAll();
}, 600_000);

describe('exit status and one line for every error path', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name)!;
    const lines = errorLines(r);
    if (c.exit === 0) {
      expect({ timedOut: r.timedOut, exit: r.code, lines }).toEqual({ timedOut: false, exit: 0, lines: [] });
      return;
    }
    expect({ timedOut: r.timedOut, exit: r.code, lines: lines.length }).toEqual({ timedOut: false, exit: c.exit, lines: 1 });
    // commander's own usage errors carry no code
    if (c.code) expect(lines[0]).toMatch(new RegExp(`^cogpack: error: .*\\[${c.code}\\]$`));
    else expect(lines[0]).toMatch(/^error: /);
    if (c.names) expect(lines[0]).toContain(c.names);
    expect(r.stdout).toBe('');
    if (c.maxStderr) expect(r.stderr.length).toBeLessThanOrEqual(c.maxStderr);
  });
});
