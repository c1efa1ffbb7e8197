/** What the build learns about images around the solve: the runtime base's config and layer count, the result's layers. */
import type { OciImageConfig } from '../../../llb';
import type { BuildkitConnection } from '../connection/connection';
import { baseConfigOf, dockerFor, imageLayers, inspectImage } from '../connection/docker-api';
import { resolveImageConfigViaGateway } from '../gateway/gateway-image-config';
import { readImageArchive } from '../export/oci-tar';
import type { OutputSpec } from '../export/output-spec';

export interface BaseInfo {
  config: Partial<OciImageConfig> | null;
  layerCount?: number;
  /** why the base config is missing (the image then has the plan's config only) */
  warning?: string;
}

export interface BaseConfigOptions {
  platform?: { os: string; arch: string };
  /** the build's session (registry auth for the gateway's resolve) */
  sessionId?: string;
}

/**
 * From Docker's image store when the daemon is Docker and has the image; otherwise (standalone buildkitd, or an
 * image Docker has not pulled) from the daemon's own resolver through the gateway API (./gateway-image-config.ts).
 */
export async function fetchBaseConfig(conn: BuildkitConnection, ref: string, opts: BaseConfigOptions = {}): Promise<BaseInfo> {
  const docker = dockerFor(conn);
  const info = docker ? await inspectImage(docker, ref) : null; // one inspect gives both the config and the layer count
  if (info) return { config: baseConfigOf(info), layerCount: info.RootFS?.Layers?.length };
  try {
    const viaGateway = await resolveImageConfigViaGateway(conn, ref, opts);
    return { config: viaGateway.config, layerCount: viaGateway.layerCount };
  } catch (e) {
    // not fatal here: the solve pulls the same image and fails with the daemon's own, clearer error if it cannot
    return { config: null, warning: `${(e as Error).message}; the image config has the plan's settings only (no ENV/CMD of the base)` };
  }
}

/**
 * The config of every image in `refs` (plan-to-image.ts baseImageRefs: the runtime base first, then each stage's
 * base), each asked once, all at once; the runtime base's layer count and warning. An image whose config cannot be
 * had maps to null (the solve then reports why it cannot get the image).
 */
export async function fetchBaseInfo(
  conn: BuildkitConnection,
  refs: readonly string[],
  opts: BaseConfigOptions = {},
): Promise<BaseInfo & { configs: Map<string, Partial<OciImageConfig> | null> }> {
  const infos = await Promise.all(refs.map((ref) => fetchBaseConfig(conn, ref, opts)));
  return { ...infos[0], configs: new Map(refs.map((r, i) => [r, infos[i].config])) };
}

/** Layers of the result: from a tarball we wrote, else from Docker's store. Empty when neither is readable. */
export async function collectLayers(
  conn: BuildkitConnection,
  outputs: OutputSpec[],
  names: string[],
  response: Record<string, string>,
): Promise<{ diffId: string; size: number | null }[]> {
  const archive = outputs.find((o) => (o.type === 'oci' || o.type === 'docker') && o.dest);
  if (archive?.dest) {
    try {
      return readImageArchive(archive.dest).layers.map((l) => ({ diffId: l.diffId, size: l.size }));
    } catch {
      /* fall through to the store */
    }
  }
  const docker = dockerFor(conn);
  const stored = outputs.some((o) => (o.type === 'docker' && !o.dest) || o.type === 'image');
  const ref = names[0] ?? response['containerimage.digest'];
  if (!docker || !stored || !ref) return [];
  try {
    return (await imageLayers(docker, ref)).layers.map((l) => ({ diffId: l.diffId, size: l.size }));
  } catch {
    return [];
  }
}
