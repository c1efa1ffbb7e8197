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
}

const COG_YAML = 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n';

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-exit-'));
  fs.writeFileSync(path.join(dir, 'cog.yaml'), COG_YAML);
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'six==1.16.0\n');
  fs.writeFileSync(path.join(dir, 'predict.py'), 'x = 1\n');
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

const CASES: Case[] = [
  // class 1: only regular files are read, each within a size cap
  { name: '1 FIFO cog.yaml', setup: (d) => (fifo(path.join(d, 'cog.yaml')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: 'cog.yaml' },
  { name: '1 FIFO requirements.txt', setup: (d) => (fifo(path.join(d, 'requirements.txt')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: 'requirements.txt' },
  { name: '1 FIFO .dockerignore', setup: (d) => (fifo(path.join(d, '.dockerignore')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: '.dockerignore' },
  { name: '1 device requirements.txt', setup: (d) => (zeroDevice(path.join(d, 'requirements.txt')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: 'requirements.txt' },
  { name: '1 device .python-version', setup: (d) => (zeroDevice(path.join(d, '.python-version')), plan(d)), exit: 2, code: 'E_NOT_REGULAR_FILE', names: '.python-version' },
  {
    name: '1 cog.yaml over the size cap',
    setup: (d) => (fs.writeFileSync(path.join(d, 'cog.yaml'), COG_YAML + '#'.repeat(5 * 1024 * 1024)), plan(d)),
    exit: 2,
    code: 'E_FILE_TOO_LARGE',
    names: 'cog.yaml',
  },
  { name: '1 FIFO .psp to pspf verify', setup: (d) => (fifo(path.join(d, 'a.psp')), ['pspf', 'verify', path.join(d, 'a.psp')]), exit: 64, code: 'E_NOT_REGULAR_FILE', names: 'a.psp' },
  { name: '1 FIFO .psp to pspf inspect', setup: (d) => (fifo(path.join(d, 'a.psp')), ['pspf', 'inspect', path.join(d, 'a.psp')]), exit: 64, code: 'E_NOT_REGULAR_FILE', names: 'a.psp' },
];

/** Runs the cases two at a time: the machine's two cores are shared with other work. */
async function runAll(): Promise<Map<string, CliRun>> {
  const results = new Map<string, CliRun>();
  const queue = [...CASES];
  const dirs: string[] = [];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const dir = project();
      dirs.push(dir);
      const args = c.setup(dir);
      results.set(c.name, await runCli(args, { timeoutMs: 30_000, env: cleanCliEnv({ DOCKER_HOST: `unix://${dir}/no-daemon.sock`, ...c.env }) }));
    }
  };
  try {
    await Promise.all([worker(), worker()]);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
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
    expect({ timedOut: r.timedOut, exit: r.code, lines: lines.length }).toEqual({ timedOut: false, exit: c.exit, lines: 1 });
    expect(lines[0]).toMatch(new RegExp(`^cogpack: error: .*\\[${c.code}\\]$`));
    if (c.names) expect(lines[0]).toContain(c.names);
    expect(r.stdout).toBe('');
  });
});
