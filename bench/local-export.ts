/**
 * `npm run bench:local-export`: how fast the image filesystem reaches the client with `--output type=local`
 * (what `type=psp` uses too). The image of testdata/cpu-apt-wheel is built once by cogpack; then, alternating in
 * one run, `cogpack build --output type=local,dest=…` of the same project (all cached: the time is the export)
 * and `docker buildx build --output type=local,dest=…` of `FROM <that image>`, into fresh directories.
 * Prints median wall times, their ratio, and the tree's size and entry count.
 * Options: --rounds N (default 3).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import { median, numberArg as arg, timed } from './measure';

function cogpack(env: DaemonEnv, args: string[]): void {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'cogpack.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`cogpack ${args.join(' ')} failed:\n${res.stderr}`);
}

/** Size in bytes and number of entries of a tree (symlinks not followed). */
function treeStats(dir: string): { bytes: number; entries: number } {
  let bytes = 0;
  let entries = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    entries++;
    if (e.isFile()) bytes += fs.lstatSync(path.join(e.parentPath, e.name)).size;
  }
  return { bytes, entries };
}

function main(): void {
  const env = daemonEnv();
  if (!env) {
    console.log(`bench:local-export skipped: ${NO_DAEMON_MESSAGE}`);
    return;
  }
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli.js'))) throw new Error('run `npm run build` first');
  const rounds = arg('rounds', 3);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-bench-local-'));
  const project = path.join(work, 'project');
  fs.cpSync(path.join(REPO_ROOT, 'testdata', 'cpu-apt-wheel'), project, { recursive: true });
  const tag = `cogpack-bench/local-export:${process.pid}`;
  cogpack(env, ['build', project, '-t', tag, '--cog-sdk', 'none', '--progress', 'quiet']);
  const bx = path.join(work, 'buildx');
  fs.mkdirSync(bx);
  fs.writeFileSync(path.join(bx, 'Dockerfile'), `FROM ${tag}\n`);

  const times = { cogpack: [] as number[], buildx: [] as number[] };
  let n = 0;
  const dest = () => path.join(work, `out-${n++}`);
  const runs = {
    cogpack: (d: string) => cogpack(env, ['build', project, '--cog-sdk', 'none', '--progress', 'quiet', '--output', `type=local,dest=${d}`]),
    buildx: (d: string) => docker(env, ['buildx', 'build', '--progress', 'quiet', '--output', `type=local,dest=${d}`, bx]),
  };
  // one untimed round each, so both start from a warm daemon
  for (const [, run] of Object.entries(runs)) run(dest());
  let sample = '';
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(runs) as [keyof typeof runs, (d: string) => void][]) {
      const d = dest();
      times[name].push(timed(() => run(d)));
      if (name === 'cogpack') sample = d;
      process.stderr.write(`bench:local-export: round ${r + 1} ${name} ${(times[name][r] / 1000).toFixed(2)} s\n`);
    }
  }
  const tree = treeStats(sample);
  const c = median(times.cogpack);
  const b = median(times.buildx);
  console.log(`tree: testdata/cpu-apt-wheel image filesystem, ${(tree.bytes / 1e6).toFixed(0)} MB in ${tree.entries} entries; ${rounds} rounds, alternating`);
  console.log(`cogpack build --output type=local   median ${(c / 1000).toFixed(2)} s  [${times.cogpack.map((x) => (x / 1000).toFixed(2)).join(', ')}]`);
  console.log(`docker buildx build --output type=local median ${(b / 1000).toFixed(2)} s  [${times.buildx.map((x) => (x / 1000).toFixed(2)).join(', ')}]`);
  console.log(`cogpack / buildx                    ${(c / b).toFixed(2)}x`);
  fs.rmSync(work, { recursive: true, force: true });
  docker(env, ['image', 'rm', tag]);
}

main();
