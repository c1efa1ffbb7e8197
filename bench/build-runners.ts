/** The two builders the benchmark compares: `cogpack build` and a cog-style Dockerfile through `docker buildx build`. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DaemonEnv } from '../src/testing/daemon';
import { REPO_ROOT } from '../src/testing/daemon';
import localImages from '../src/testing/local-images.json';

export interface Runner {
  readonly name: string;
  readonly tag: string;
  /** Builds `dir` and loads the image as `tag`; throws with the tool's output on failure. */
  build(dir: string): void;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  const res = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 30 * 60_000 });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${what} failed (exit ${res.status ?? res.signal}):\n${out}`);
  }
}

/** `node bin/cogpack.js` when compiled (no start-up cost from tsx), otherwise the TypeScript entry via tsx. */
function cogpackCommand(): [string, string[]] {
  if (process.env.COGPACK_BENCH_CLI) return ['sh', ['-c', `${process.env.COGPACK_BENCH_CLI} "$@"`, '-']];
  if (fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli.js'))) return [process.execPath, [path.join(REPO_ROOT, 'bin', 'cogpack.js')]];
  return [path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(REPO_ROOT, 'src', 'cli.ts')]];
}

export function cogpackRunner(env: DaemonEnv, tag: string): Runner {
  const [cmd, pre] = cogpackCommand();
  return {
    name: 'cogpack',
    tag,
    build(dir) {
      run(cmd, [...pre, 'build', dir, '-t', tag, '--cog-sdk', 'none', '--progress', 'plain'], { ...process.env, ...env }, 'cogpack build');
    },
  };
}

/** The Dockerfile cog's standard generator writes (python-slim path, CPU; cog-build-system.md §4), for this project. */
export function cogDockerfile(dir: string): string {
  const cog = parseYaml(fs.readFileSync(path.join(dir, 'cog.yaml'), 'utf8')) as { build?: { system_packages?: string[] } };
  const apt = cog.build?.system_packages ?? [];
  return [
    `FROM ${localImages.imageMap['docker.io/library/python:3.11-slim']}`,
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

export function dockerfileRunner(env: DaemonEnv, tag: string, workDir: string): Runner {
  return {
    name: 'Dockerfile',
    tag,
    build(dir) {
      const dockerfile = path.join(workDir, 'cog.Dockerfile');
      fs.writeFileSync(dockerfile, cogDockerfile(dir)); // regenerated each build, as cog does
      run(
        env.COGPACK_DOCKER,
        ['buildx', 'build', '--progress', 'plain', '-f', dockerfile, '--build-context', `wheels=${path.join(dir, 'wheels')}`, '-t', tag, dir],
        { ...process.env, ...env },
        'docker buildx build',
      );
    },
  };
}
