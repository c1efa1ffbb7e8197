/**
 * `cogpack plan` through the real CLI process: every bad-input case in testdata/errors exits 2 with
 * exactly one stderr line naming file:line, the fix and the code, and no stack trace; a good project
 * prints the snapshot bytes with --json and a summary without.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ERRORS = join(ROOT, 'testdata', 'errors');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COGPACK_')) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), ...args], { cwd: ROOT, env });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...out }));
  });
}

/** Runs the cases a few at a time: the machine has two cores shared with other work. */
async function runAll(cases: string[]): Promise<Map<string, Run>> {
  const results = new Map<string, Run>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) results.set(c, await cli(['plan', join('testdata', 'errors', c)]));
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

const cases = readdirSync(ERRORS).sort();
let results: Map<string, Run>;

beforeAll(async () => {
  results = await runAll(cases);
}, 300_000);

describe('cogpack plan on bad input', () => {
  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases)('%s: exit 2, one line with file:line, fix and code', (name) => {
    const expected = JSON.parse(readFileSync(join(ERRORS, name, 'expect.json'), 'utf8')) as { code: string; where: string };
    const r = results.get(name)!;
    const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('cogpack: warning:'));
    expect({ code: r.code, lines: lines.length, stdout: r.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
    expect(lines[0].startsWith(`cogpack: error: ${expected.where}: `)).toBe(true);
    expect(lines[0]).toContain('; fix: ');
    expect(lines[0].endsWith(`[${expected.code}]`)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain(ROOT);
  });
});

describe('cogpack plan on a good project', () => {
  it('--json prints the snapshot bytes; the summary names stack, versions and stages', async () => {
    const [json, summary] = await Promise.all([cli(['plan', 'testdata/gpu-torch', '--json']), cli(['plan', 'testdata/gpu-torch', '--cog-sdk', 'none'])]);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(readFileSync(join(ROOT, 'snapshots', 'gpu-torch.plan.json'), 'utf8'));
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain('stack: python');
    expect(summary.stdout).toContain('torch 2.3.1+cu121');
    expect(summary.stdout).toMatch(/framework: framework:torch/);
    expect(summary.stdout).not.toContain('sdk:cog-sdk');
  }, 120_000);

  it('--image-map rewrites the base image', async () => {
    const r = await cli(['plan', 'testdata/cpu-minimal', '--json', '--image-map', 'python:3.11-slim=cogpack.local/debian-python:bookworm']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.base_image.runtime).toBe('cogpack.local/debian-python:bookworm');
    expect(plan.export_phases[0].stages[0].source).toEqual({ type: 'image', ref: 'cogpack.local/debian-python:bookworm' });
  }, 120_000);
});
