/**
 * Docker REST beside BuildKit (Docker daemons only): the runtime base image's config for
 * `containerimage.config`, and the built image's layers and sizes for the summary.
 */
import * as fs from 'fs';
import Docker from 'dockerode';
import type { OciImageConfig } from '../../llb';
import type { BuildkitConnection } from './connection';

/** A dockerode client on the same socket as the connection, or null for a standalone buildkitd. */
export function dockerFor(conn: BuildkitConnection): Docker | null {
  if (conn.kind !== 'docker') return null;
  const d = conn.endpoint.dial;
  if (d.kind === 'unix') return new Docker({ socketPath: d.socketPath });
  const read = (f?: string): Buffer | undefined => (f ? fs.readFileSync(f) : undefined);
  return new Docker({ host: d.host, port: d.port, protocol: d.tls ? 'https' : 'http', ca: read(d.tls?.caCert), cert: read(d.tls?.cert), key: read(d.tls?.key) });
}

/** The base image's config as Docker reports it (`GET /images/{name}/json`), or null if the image is not in the store. */
export async function baseImageConfig(docker: Docker, ref: string): Promise<Partial<OciImageConfig> | null> {
  try {
    const info = await docker.getImage(ref).inspect();
    const c = info.Config ?? {};
    const config: Record<string, unknown> = {};
    for (const key of ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'] as const) {
      const v = (c as Record<string, unknown>)[key];
      if (v !== null && v !== undefined && v !== '') config[key] = v;
    }
    return { architecture: info.Architecture, os: info.Os, config };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

export interface ImageLayer {
  diffId: string;
  /** uncompressed size from the image history; null when Docker cannot tell yet (image not unpacked) */
  size: number | null;
  createdBy: string;
}

/** Layers bottom-up with their sizes: RootFS.Layers matched with the non-empty history entries. */
export async function imageLayers(docker: Docker, ref: string): Promise<{ id: string; layers: ImageLayer[] }> {
  const image = docker.getImage(ref);
  const info = await image.inspect();
  const diffIds: string[] = info.RootFS?.Layers ?? [];
  // history needs the snapshots: an image stored by the `image` exporter (--reproducible) has none until first run
  const history = ((await image.history().catch(() => [])) as { Size: number; CreatedBy: string }[]).slice().reverse();
  // history lists every step, newest first; steps with Size 0 may be empty layers, so align from the top
  const sized = history.length >= diffIds.length ? history.slice(-diffIds.length) : [];
  return {
    id: info.Id,
    layers: diffIds.map((diffId, i) => ({ diffId, size: sized[i]?.Size ?? null, createdBy: sized[i]?.CreatedBy ?? '' })),
  };
}
