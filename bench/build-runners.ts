/** The two builders the benchmark compares: `cogpack build` and a cog-style Dockerfile through `docker buildx build`. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DaemonEnv } from '../src/testing/daemon';
import { REPO_ROOT } from '../src/testing/daemon';

export interface Runner {
  readonly name: string;
  readonly tag: string;
  /** Builds `dir` and loads the image as `tag`; throws with the tool's output on failure. */
  build(dir: string): Breakdown | undefined;
}

/** Where a cogpack build spent its time, from its `--json` summary (seconds; vertices overlap, so no sum). */
export interface Breakdown {
  plan: number;
  contexts: number;
  execs: number;
  export: number;
  /** export stages that were not answered from cache */
  rebuilt: string[];
}

interface SummaryJson {
  stages: { id: string; cached: boolean }[];
  timings: { planMs: number; steps: { name: string; seconds: number }[] };
}

function breakdown(summary: SummaryJson): Breakdown {
  const sum = (re: RegExp): number => summary.timings.steps.filter((s) => re.test(s.name)).reduce((a, s) => a + s.seconds, 0);
  return {
    plan: summary.timings.planMs / 1000,
    contexts: sum(/^load build context/),
    execs: sum(/^\[[^\]]+\] /),
    export: sum(/^exporting/),
    rebuilt: summary.stages.filter((s) => !s.cached).map((s) => s.id),
  };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): string {
  const res = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 30 * 60_000 });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${what} failed (exit ${res.status ?? res.signal}):\n${out}`);
  }
  return res.stdout;
}

/** One per benchmark process: two benchmarks running at once (bench:frontend uses this runner too) keep apart. */
export const PRIVATE_CLI = path.join(REPO_ROOT, 'bench', 'out', `cli-${process.pid}`);

/**
 * The compiled CLI as users run it (bin/cogpack.js → the build command's bundle with its code cache, no tsx
 * compile step), built into a private copy (bench/out/cli-PID/: tsc output, bundle, bin/) so that another `tsc`
 * into the shared dist/ during the run cannot make the bundle stale and silently switch the CLI to dist/.
 * tsc emits even when unrelated files have type errors. Falls back to tsx when nothing was emitted.
 */
let command: [string, string[]] | undefined; // made once per process: runners for many tags share it

function cogpackCommand(): [string, string[]] {
  command ??= makeCogpackCommand();
  return command;
}

function makeCogpackCommand(): [string, string[]] {
  if (process.env.COGPACK_BENCH_CLI) return ['sh', ['-c', `${process.env.COGPACK_BENCH_CLI} "$@"`, '-']];
  const cli = PRIVATE_CLI;
  const bin = (name: string): string => path.join(REPO_ROOT, 'node_modules', '.bin', name);
  fs.rmSync(cli, { recursive: true, force: true });
  process.on('exit', () => fs.rmSync(cli, { recursive: true, force: true }));
  spawnSync(bin('tsc'), ['-p', path.join(REPO_ROOT, 'tsconfig.json'), '--outDir', path.join(cli, 'dist')], { stdio: 'ignore' });
  if (!fs.existsSync(path.join(cli, 'dist', 'src', 'cli.js'))) return [bin('tsx'), [path.join(REPO_ROOT, 'src', 'cli.ts')]];
  fs.mkdirSync(path.join(cli, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'bin', 'cogpack.js'), path.join(cli, 'bin', 'cogpack.js'));
  // without a bundle (its step failed) bin/cogpack.js runs dist/; bench:build's header says which one ran
  spawnSync(bin('tsx'), [path.join(REPO_ROOT, 'scripts', 'build-build-bundle.ts'), '--dist', path.join(cli, 'dist')], { stdio: 'inherit' });
  return [process.execPath, [path.join(cli, 'bin', 'cogpack.js')]];
}

/** `extra`: more `cogpack build` flags (bench:sbom adds --sbom); `name` tells such a runner apart. */
export function cogpackRunner(env: DaemonEnv, tag: string, opts: { extra?: string[]; name?: string } = {}): Runner {
  const [cmd, pre] = cogpackCommand();
  return {
    name: opts.name ?? 'cogpack',
    tag,
    build(dir) {
      const args = [...pre, 'build', dir, '-t', tag, '--cog-sdk', 'none', '--progress', 'plain', '--json', ...(opts.extra ?? [])];
      return breakdown(JSON.parse(run(cmd, args, { ...process.env, ...env }, 'cogpack build')) as SummaryJson);
    },
  };
}

/** The Dockerfile cog's standard generator writes (python-slim path, CPU; cog-build-system.md §4), for this project. */
export function cogDockerfile(dir: string, baseImage: string): string {
  const cog = parseYaml(fs.readFileSync(path.join(dir, 'cog.yaml'), 'utf8')) as { build?: { system_packages?: string[] } };
  const apt = cog.build?.system_packages ?? [];
  return [
    `FROM ${baseImage}`,
    'ENV DEBIAN_FRONTEND=noninteractive',
    'ENV PYTHONUNBUFFERED=1',
    apt.length
      ? `RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy ${apt.join(' ')} && rm -rf /var/lib/apt/lists/*`
      : '',
    'COPY requirements.txt /tmp/cog/requirements.txt',
    // cog runs `uv run pip install -r`; uv is unreachable offline, so plain pip. The wheels come in by mount,
    // next to the requirements file (pip resolves --find-links ./wheels relative to it).
    'RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,from=wheels,target=/tmp/cog/wheels pip install -r /tmp/cog/requirements.txt',
    'WORKDIR /src',
    'EXPOSE 5000',
    'CMD ["python", "-m", "cog.server.http"]',
    'COPY . /src',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

export function dockerfileRunner(env: DaemonEnv, tag: string, workDir: string, baseImage: string): Runner {
  return {
    name: 'Dockerfile',
    tag,
    build(dir) {
      const dockerfile = path.join(workDir, 'cog.Dockerfile');
      fs.writeFileSync(dockerfile, cogDockerfile(dir, baseImage)); // regenerated each build, as cog does
      run(
        env.COGPACK_DOCKER,
        ['buildx', 'build', '--progress', 'plain', '-f', dockerfile, '--build-context', `wheels=${path.join(dir, 'wheels')}`, '-t', tag, dir],
        { ...process.env, ...env },
        'docker buildx build',
      );
      return undefined;
    },
  };
}
