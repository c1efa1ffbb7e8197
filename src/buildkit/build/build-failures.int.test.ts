/**
 * Failure paths on the real daemon: a RUN that fails (its logs shown, exit 1), Ctrl-C (exit 130, no process left in
 * the daemon), and the daemon killed mid-build (exit 3; the project-local daemon is then started again).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeWithDaemon } from '../../testing';
import { copyFixture, REPO } from '../../testing/build-support';

jest.setTimeout(600_000);

function withRun(commands: string[]): string {
  const dir = copyFixture('cpu-minimal');
  const run = commands.map((c) => `    - ${JSON.stringify(c)}`).join('\n');
  fs.writeFileSync(path.join(dir, 'cog.yaml'), `build:\n  python_version: "3.11"\n  run:\n${run}\nrun: "predict.py:Predictor"\n`);
  return dir;
}

const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
const cliArgs = (dir: string) => [path.join(REPO, 'src', 'cli.ts'), 'build', dir, '--cog-sdk', 'none', '--progress', 'plain'];

/** Processes on this host (the daemon runs here) whose command line contains `marker`. */
function processesWith(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

describeWithDaemon('cogpack build failures on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };

  it('a RUN that fails: its log lines are shown and the CLI exits 1 with one error line', () => {
    const dir = withRun([`echo cogpack-marker-before-failure-${process.pid}; exit 3`]);
    const r = spawnSync(tsx, cliArgs(dir), { env, encoding: 'utf8', timeout: 300_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cogpack-marker-before-failure-${process.pid}`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('cogpack: error:'));
    expect(errors).toEqual([expect.stringMatching(/step ".*exit 3.*" failed with exit code 3 \[E_RUN_FAILED\]$/)]);
  });

  it('Ctrl-C during a long RUN: exit 130 and the RUN process is gone from the daemon', async () => {
    const marker = `${4000 + (process.pid % 1000)}.25`;
    const dir = withRun([`sleep ${marker}`]);
    const child = spawn(tsx, cliArgs(dir), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    while (processesWith(`sleep ${marker}`).length === 0) {
      if (Date.now() - started > 240_000) throw new Error(`the RUN never started:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cogpack: error: build interrupted/);
    const deadline = Date.now() + 15_000;
    while (processesWith(`sleep ${marker}`).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(processesWith(`sleep ${marker}`)).toEqual([]);
  });

  it('the daemon killed (SIGKILL) mid-build: exit 3 with one line; the daemon started again builds', async () => {
    // only the project-local dockerd of buildkit-up.sh, which this test can start again; never someone else's
    const pidFile = path.join(REPO, '.buildkit', 'dockerd.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
    const cmdline = pid ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') : [];
    if (!cmdline.includes(env.DOCKER_HOST ?? '')) return console.warn('daemon kill not tested: the daemon is not the project-local one of buildkit-up.sh');
    const marker = `${5000 + (process.pid % 1000)}.75`;
    const dir = withRun([`sleep ${marker}`]);
    const child = spawn(tsx, cliArgs(dir), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    while (processesWith(`sleep ${marker}`).length === 0) {
      if (Date.now() - started > 240_000) throw new Error(`the RUN never started:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    process.kill(pid, 'SIGKILL');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // the RUN's container outlives a killed dockerd; end it before starting the daemon again
    for (const line of processesWith(`sleep ${marker}`)) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    const up = spawnSync('bash', [path.join(REPO, 'scripts', 'buildkit-up.sh')], { encoding: 'utf8', timeout: 300_000 });
    expect(up.status).toBe(0);
    expect(code).toBe(3);
    const errors = stderr.split('\n').filter((l) => l.startsWith('cogpack: error:'));
    expect(errors).toEqual([expect.stringMatching(/went away mid-build .*\[E_DAEMON_GONE\]$/)]);
    const again = spawnSync(tsx, [path.join(REPO, 'src', 'cli.ts'), 'build', copyFixture('cpu-minimal'), '--cog-sdk', 'none', '--progress', 'quiet'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(again.stderr).toMatch(/cogpack: built/);
    expect(again.status).toBe(0);
  });
});
