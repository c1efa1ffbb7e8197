/** Helpers for the real-daemon tests of the BuildKit client: fixture copies, in-memory progress, running images with dockerode. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { docker, type DaemonEnv } from './';

export const REPO = path.resolve(__dirname, '..', '..');

/** Tests never edit testdata/: they edit a copy in a fresh temp dir (outside git, so SOURCE_DATE_EPOCH is 0). */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cogpack-${name}-`));
  fs.cpSync(path.join(REPO, 'testdata', name), dir, { recursive: true });
  return dir;
}

export function progressSink(): { out: { write(s: string): boolean; isTTY: boolean }; text(): string } {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s) > 0, isTTY: false }, text: () => chunks.join('') };
}

export function dockerFromEnv(env: NodeJS.ProcessEnv): Docker {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`tests expect a unix DOCKER_HOST, got ${host}`);
  return new Docker({ socketPath: host.slice('unix://'.length) });
}

/** `docker run --rm IMAGE CMD…` through dockerode: exit code and combined output. */
export async function runImage(docker: Docker, image: string, cmd?: string[], opts: { entrypoint?: string[] } = {}): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Entrypoint: opts.entrypoint, Tty: true, HostConfig: { NetworkMode: 'none' } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    // dockerode JSON-parses bodies that look like JSON (a lone "5" comes back as a number)
    const logs = (await container.logs({ stdout: true, stderr: true })) as unknown;
    return { code: StatusCode, output: Buffer.isBuffer(logs) ? logs.toString('utf8') : String(logs) };
  } finally {
    await container.remove({ force: true });
  }
}

/**
 * A copy of the local base images under a per-run name with one extra layer of its own, and
 * the env whose COGPACK_IMAGE_MAP points every mapped base at it. Builds on it share no cache records
 * with earlier --no-cache runs, whose duplicate records can swap a CACHED stage's layer (findings §4).
 */
export function perRunBaseEnv(env: DaemonEnv): NodeJS.ProcessEnv {
  const map = env.COGPACK_IMAGE_MAP.split(',').map((kv) => kv.split('='));
  const made = new Map<string, string>();
  const run = `${process.pid}-${Date.now()}`;
  for (const [, target] of map) {
    if (made.has(target)) continue;
    const name = `cogpack.local/it-${target.split('/').pop()!.replace(/[:]/g, '-')}:${run}`;
    // a layer, not just a label: BuildKit keys an image source by its layer chain, not its config
    docker(env, ['build', '-q', '-t', name, '-'], { input: `FROM ${target}\nRUN echo ${run} > /etc/cogpack-test-run\n` });
    made.set(target, name);
  }
  return { ...env, COGPACK_IMAGE_MAP: map.map(([from, to]) => `${from}=${made.get(to)}`).join(',') };
}
