/**
 * scripts/buildkit-up.sh starts dockerd from a clean environment: its start_daemon function is run here
 * against a stand-in dockerd that records the environment it was given and exits, from a caller whose
 * environment holds a TMPDIR that no longer exists (what a jest run leaves) and unrelated variables.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './daemon';

const FUNCTIONS = ['daemon_answers', 'clear_stale_pidfile', 'start_daemon'];
const HELPERS = 'log() { printf "%s\\n" "$*" >&2; }\ndie() { printf "error: %s\\n" "$*" >&2; exit 1; }';

describe('buildkit-up.sh start_daemon', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-bk-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives dockerd only PATH, HOME, its own TMPDIR and proxies, not the caller's environment", () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'dockerd'), `#!/bin/sh\nenv > "${dir}/dockerd.env"\nexit 1\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const script = fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'buildkit-up.sh'), 'utf8');
    const defs = FUNCTIONS.map((f) => new RegExp(`^${f}\\(\\) \\{[\\s\\S]*?^\\}`, 'm').exec(script)?.[0] ?? `${f}() { :; }`).join('\n');
    expect(defs).toContain('env -i');
    const run = spawnSync(
      'bash',
      ['-c', `set -u; ROOT="$1"; . "$ROOT/scripts/buildkit-env.sh"; ${HELPERS}\n${defs}\nsleep() { :; }; start_daemon`, '-', REPO_ROOT],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: '/root',
          COGPACK_BUILDKIT_DIR: dir,
          TMPDIR: '/nonexistent/cogpack-jest-gone',
          SECRET_TOKEN: 'x',
          HTTPS_PROXY: 'http://proxy.invalid:3128',
        },
      },
    );
    expect(run.stderr).toContain('dockerd exited during start-up');
    const env = Object.fromEntries(
      fs
        .readFileSync(path.join(dir, 'dockerd.env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.TMPDIR).toBe(path.join(dir, 'tmp'));
    expect(fs.statSync(env.TMPDIR).isDirectory()).toBe(true);
    expect(env.SECRET_TOKEN).toBeUndefined();
    expect(env.HTTPS_PROXY).toBe('http://proxy.invalid:3128');
    expect(env.PATH.split(':')[0]).toBe(bin);
    expect(Object.keys(env).filter((k) => !['PATH', 'HOME', 'TMPDIR', 'HTTPS_PROXY', 'PWD', 'SHLVL', '_'].includes(k))).toEqual([]);
  });
});
