/**
 * The Docker Engine container calls `cogpack predict` needs (create with a published port, start,
 * inspect, log tail, remove), over the daemon socket DOCKER_HOST names, through node:http.
 */
import * as http from 'http';
import * as https from 'https';
import { requestOptions } from '../buildkit/connection/docker-api';
import { DEFAULT_DOCKER_SOCKET, parseDockerHost } from '../buildkit/connection/endpoint';
import { CogpackError, UsageError } from '../errors';

export interface Engine {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Buffer }>;
}

/** A client on DOCKER_HOST (else /var/run/docker.sock). */
export function engineFromEnv(env: NodeJS.ProcessEnv): Engine {
  const dial = parseDockerHost(env.DOCKER_HOST ?? `unix://${DEFAULT_DOCKER_SOCKET}`, env).dial;
  const base = requestOptions(dial);
  const lib = dial.kind === 'tcp' && dial.tls ? https : http;
  return {
    request: (method, path, body) =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const headers: http.OutgoingHttpHeaders = { Host: 'docker', ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) };
        const req = lib.request({ ...base, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(data);
      }),
  };
}

async function call<T>(engine: Engine, method: string, path: string, body?: unknown): Promise<T> {
  let res;
  try {
    res = await engine.request(method, path, body);
  } catch (e) {
    throw new CogpackError('daemon', 'E_DOCKER_UNREACHABLE', `Docker did not answer (${(e as Error).message})`, {
      hint: 'start Docker or set DOCKER_HOST to its socket',
      cause: e,
    });
  }
  if (res.status < 200 || res.status >= 300) {
    const msg = (() => {
      try {
        return (JSON.parse(res.body.toString('utf8')) as { message?: string }).message;
      } catch {
        return undefined;
      }
    })();
    if (path.startsWith('/containers/create') && (res.status === 404 || res.status === 400)) {
      // the user named an image that is not there (or is no reference): their input, not the daemon's fault
      throw new UsageError('E_IMAGE_MISSING', `cannot run image "${(body as { Image?: string }).Image}": ${msg ?? res.status}`, {
        hint: 'build it first (cogpack build -t NAME), or pass a project directory',
      });
    }
    throw new CogpackError('daemon', 'E_DOCKER_API', `Docker: ${method} ${path.split('?')[0]}: ${msg ?? res.status}`);
  }
  return (res.body.length ? JSON.parse(res.body.toString('utf8')) : {}) as T;
}

/** Creates a container of `image` with its port 5000 to be published on 127.0.0.1 (a free port Docker picks). */
export async function createModel(engine: Engine, image: string): Promise<string> {
  const { Id } = await call<{ Id: string }>(engine, 'POST', '/containers/create', {
    Image: image,
    ExposedPorts: { '5000/tcp': {} },
    Labels: { 'dev.cogpack.predict': '1' },
    HostConfig: { PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  return Id;
}

/** Starts the container and returns the host port Docker published its port 5000 on. */
export async function startModel(engine: Engine, id: string): Promise<number> {
  await call(engine, 'POST', `/containers/${id}/start`);
  const info = await inspect(engine, id);
  const port = Number(info.NetworkSettings?.Ports?.['5000/tcp']?.[0]?.HostPort);
  if (!port) throw new CogpackError('daemon', 'E_DOCKER_API', "Docker published no host port for the model's port 5000");
  return port;
}

export interface ContainerInfo {
  State?: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean };
  NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

export const inspect = (engine: Engine, id: string): Promise<ContainerInfo> => call<ContainerInfo>(engine, 'GET', `/containers/${id}/json`);

/** Removes the container, stopping it first (`force`); a container already gone is fine. */
export async function removeContainer(engine: Engine, id: string): Promise<void> {
  const res = await engine.request('DELETE', `/containers/${id}?force=1&v=1`);
  if (res.status >= 300 && res.status !== 404)
    throw new CogpackError('daemon', 'E_DOCKER_API', `Docker: could not remove container ${id.slice(0, 12)} (${res.status})`);
}

/** The last `lines` lines of the container's stdout+stderr (Docker's multiplexed stream, demuxed). */
export async function logTail(engine: Engine, id: string, lines = 20): Promise<string[]> {
  const res = await engine.request('GET', `/containers/${id}/logs?stdout=1&stderr=1&tail=${lines}`);
  if (res.status !== 200) return [];
  return demux(res.body)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines);
}

/** Docker's non-TTY log stream: frames of [stream, 0, 0, 0, size (u32 BE)] + payload. */
export function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length && buf[at] <= 2 && buf[at + 1] === 0) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return (at === 0 ? buf : Buffer.concat(parts)).toString('utf8');
}
