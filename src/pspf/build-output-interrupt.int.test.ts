/**
 * Ctrl-C during `cogpack build --output type=psp` against the real daemon: once the exported rootfs has
 * started to fill (the local export is under way), SIGINT must end the command with exit 130 and exactly
 * one error line, no "wrote …", no package, and nothing left in the child's private TMPDIR. A second
 * Ctrl-C must do the same at once. Skips without a daemon.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWheel, describeWithDaemon } from '../testing';
import { cleanCliEnv, errorLines, runCli, type CliRun } from '../testing/cli';

jest.setTimeout(600_000);

function writeProject(dir: string): void {
  fs.mkdirSync(path.join(dir, 'hello_app'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'pyproject.toml'),
    '[project]\nname = "hello-app"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n\n[project.scripts]\nhello = "hello_app.cli:main"\n\n[tool.cogpack]\npython = "3.11"\n',
  );
  fs.writeFileSync(path.join(dir, 'hello_app/__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'hello_app/cli.py'), 'def main():\n    print("hello")\n');
  const wheel = buildWheel(path.join(dir, 'wheels'), { name: 'greetlib', version: '1.0.0', files: { 'greetlib/__init__.py': 'X = 1\n' } });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), `./wheels/${wheel.filename}\n`);
}

/** The first entry of `tmp` named cogpack-psp-rootfs-* that already holds something, if any. */
function exportStarted(tmp: string): boolean {
  return fs.readdirSync(tmp).some((n) => n.startsWith('cogpack-psp-rootfs-') && fs.readdirSync(path.join(tmp, n)).length > 0);
}

/** Runs the psp build and sends SIGINT `count` times once the export has begun. */
async function interruptedBuild(work: string, env: NodeJS.ProcessEnv, count: number): Promise<{ run: CliRun; tmp: string; dest: string; sent: boolean }> {
  const tmp = fs.mkdtempSync(path.join(work, 'tmp-'));
  const dest = path.join(work, `app-${count}.psp`);
  let sent = false;
  const run = await runCli(['build', path.join(work, 'project'), '--output', `type=psp,dest=${dest}`, '--progress', 'quiet'], {
    env: cleanCliEnv({ ...env, TMPDIR: tmp }),
    timeoutMs: 540_000,
    onSpawn: (pid) => {
      const poll = setInterval(() => {
        if (!exportStarted(tmp)) return;
        clearInterval(poll);
        sent = true;
        for (let i = 0; i < count; i++) setTimeout(() => process.kill(pid, 'SIGINT'), i * 50);
      }, 10);
      const stop = setTimeout(() => clearInterval(poll), 530_000);
      stop.unref();
    },
  });
  return { run, tmp, dest, sent };
}

describeWithDaemon('Ctrl-C during a psp export', (denv) => {
  let work: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-psp-int-'));
    writeProject(path.join(work, 'project'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it.each([1, 2])('%i SIGINT(s): exit 130, one line, no package and no temporary files left', async (count) => {
    const { run, tmp, dest, sent } = await interruptedBuild(work, { ...denv }, count);
    expect(sent).toBe(true);
    const lines = errorLines(run);
    expect({ timedOut: run.timedOut, exit: run.code, lines: lines.length }).toEqual({ timedOut: false, exit: 130, lines: 1 });
    expect(lines[0]).toMatch(/^cogpack: error: .*interrupted.*\[E_INTERRUPTED\]$/);
    expect(run.stderr).not.toContain('wrote ');
    expect(fs.existsSync(dest)).toBe(false);
    // tsx's own compile cache (tsx-0) is there when the CLI runs from the sources; cogpack leaves nothing
    expect(fs.readdirSync(tmp).filter((n) => !n.startsWith('tsx-'))).toEqual([]);
    expect(fs.readdirSync(work).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
