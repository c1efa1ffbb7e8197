/**
 * Docker REST beside BuildKit (Docker daemons only): the runtime base image's config for
 * `containerimage.config`, and the built image's layers and sizes for the summary. Two GETs on the
 * daemon socket through node:http: dockerode (with docker-modem and ssh2) is slow to load for two GETs.
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { baseConfigFields, type OciImageConfig } from '../../../llb';
import type { BuildkitConnection } from './connection';
import type { Dial } from './endpoint';
import { readFlagFile } from '../../regular-file';

/** A failed request; `statusCode` is Docker's HTTP status (404: no such image). */
export class DockerApiError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface DockerApi {
  /** `GET path` answered with JSON (2xx), else a DockerApiError. */
  get<T>(path: string): Promise<T>;
}

/** How node:http reaches the daemon: our own socket for unix, host/port (and TLS files) for tcp. */
export function requestOptions(dial: Dial): http.RequestOptions | https.RequestOptions {
  // our own connection, so no Agent: its addRequest works out a TLS server name even for a unix socket, and
  // the first net.isIP compiles node's IPv6 regex (CPU spent before the first request of a build)
  if (dial.kind === 'unix') return { createConnection: () => net.connect(dial.socketPath) };
  const read = (f?: string): Buffer | undefined => (f ? readFlagFile(f, 'key', 'TLS file') : undefined);
  const t = dial.tls;
  return t
    ? { host: dial.host, port: dial.port, ca: read(t.caCert), cert: read(t.cert), key: read(t.key), servername: t.serverName }
    : { host: dial.host, port: dial.port };
}

/** A client on the daemon the connection dialled (Docker's API beside its /grpc), or null for a standalone buildkitd. */
export function dockerFor(conn: BuildkitConnection): DockerApi | null {
  if (conn.kind !== 'docker') return null;
  const dial = conn.endpoint.dial;
  const base = requestOptions(dial);
  const lib = dial.kind === 'tcp' && dial.tls ? https : http;
  return {
    get: <T>(path: string) =>
      new Promise<T>((resolve, reject) => {
        const req = lib.request({ ...base, method: 'GET', path, headers: { Host: 'docker' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(new DockerApiError(`GET ${path}: ${status} ${body.trim().slice(0, 200)}`, status));
            try {
              resolve(JSON.parse(body) as T);
            } catch (e) {
              reject(new DockerApiError(`GET ${path}: not JSON (${(e as Error).message})`, status));
            }
          });
        });
        req.on('error', reject);
        req.end();
      }),
  };
}

/** The parts of `GET /images/{name}/json` cogpack reads. */
export interface ImageInspect {
  Id: string;
  Architecture?: string;
  Os?: string;
  Config?: Record<string, unknown> | null;
  RootFS?: { Layers?: string[] };
}

const imagePath = (ref: string, what: 'json' | 'history'): string => `/images/${encodeURI(ref)}/${what}`;

/** The image as Docker reports it, or null if it is not in the store. */
export async function inspectImage(docker: DockerApi, ref: string): Promise<ImageInspect | null> {
  try {
    return await docker.get<ImageInspect>(imagePath(ref, 'json'));
  } catch (e) {
    if ((e as DockerApiError).statusCode === 404) return null;
    throw e;
  }
}

/** The config keys an image's config may set that the build's config is merged over. */
export function baseConfigOf(info: ImageInspect): Partial<OciImageConfig> {
  return baseConfigFields({ architecture: info.Architecture, os: info.Os, config: info.Config });
}

/** The base image's config (`GET /images/{name}/json`), or null if the image is not in the store. */
export async function baseImageConfig(docker: DockerApi, ref: string): Promise<Partial<OciImageConfig> | null> {
  const info = await inspectImage(docker, ref);
  return info ? baseConfigOf(info) : null;
}

export interface ImageLayer {
  diffId: string;
  /** uncompressed size from the image history; null when Docker cannot tell yet (image not unpacked) */
  size: number | null;
  createdBy: string;
}

/** Layers bottom-up with their sizes: RootFS.Layers matched with the non-empty history entries. */
export async function imageLayers(docker: DockerApi, ref: string): Promise<{ id: string; layers: ImageLayer[] }> {
  // both requests at once: history does not depend on the inspect
  const [info, rawHistory] = await Promise.all([
    docker.get<ImageInspect>(imagePath(ref, 'json')),
    // history needs the snapshots: an image stored by the `image` exporter (--reproducible) has none until first run
    docker.get<{ Size: number; CreatedBy: string }[]>(imagePath(ref, 'history')).catch(() => []),
  ]);
  const diffIds: string[] = info.RootFS?.Layers ?? [];
  const history = rawHistory.slice().reverse();
  // history lists every step, newest first; steps with Size 0 may be empty layers, so align from the top
  const sized = history.length >= diffIds.length ? history.slice(-diffIds.length) : [];
  return {
    id: info.Id,
    layers: diffIds.map((diffId, i) => ({ diffId, size: sized[i]?.Size ?? null, createdBy: sized[i]?.CreatedBy ?? '' })),
  };
}
