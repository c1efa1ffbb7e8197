/**
 * A base image's config from the daemon itself, for daemons with no Docker image store to ask (standalone
 * buildkitd): the client acts as a gateway frontend over its own Control connection, as buildctl/buildx
 * `client.Build` do. A Control.Solve with no frontend and no definition opens a build whose LLBBridge is
 * served by the daemon's gateway forwarder on the same connection; calls name that build with the
 * `buildkit-controlapi-buildid` metadata. ResolveImageConfig runs there, then Return ends the build.
 */
import { randomBytes } from 'crypto';
import { baseConfigFields, type OciImageConfig } from '../../../llb';
import type { GrpcCallError } from '../connection/h2-grpc';
import type { BuildkitConnection } from '../connection/connection';
import { BuildError } from '../errors';

const LLB_BRIDGE = 'moby.buildkit.v1.frontend.LLBBridge';

export interface GatewayImageConfig {
  digest: string;
  config: Partial<OciImageConfig> | null;
  /** rootfs.diff_ids in the config: the image's layer count */
  layerCount?: number;
}

/** A ResolveImageConfig answer (the image config JSON; empty: none) as mergeImageConfig takes it. */
export function pickBaseConfig(raw: Buffer): Partial<OciImageConfig> | null {
  if (raw.length === 0) return null;
  return baseConfigFields(JSON.parse(raw.toString('utf8')) as { architecture?: string; os?: string; config?: Record<string, unknown> });
}

function layerCountOf(raw: Buffer): number | undefined {
  if (raw.length === 0) return undefined;
  const ids = (JSON.parse(raw.toString('utf8')) as { rootfs?: { diff_ids?: unknown[] } }).rootfs?.diff_ids;
  return Array.isArray(ids) ? ids.length : undefined;
}

/** ResolveImageConfig through the daemon's gateway forwarder; `sessionId` lets the daemon use the session's registry auth. */
export async function resolveImageConfigViaGateway(
  conn: BuildkitConnection,
  ref: string,
  opts: { platform?: { os: string; arch: string }; sessionId?: string; timeoutMs?: number } = {},
): Promise<GatewayImageConfig> {
  const buildId = `cogpack-config-${randomBytes(12).toString('hex')}`;
  const metadata = { 'buildkit-controlapi-buildid': buildId };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const control = conn.control;
  // the build the forwarder serves: it lasts until Return (no frontend, no definition, no exporter)
  const solving = control.call('Solve', { Ref: buildId, Session: opts.sessionId ?? '', Frontend: '', FrontendAttrs: {} }, { timeoutMs });
  solving.catch(() => undefined); // awaited below
  try {
    const platform = opts.platform ? { OS: opts.platform.os, Architecture: opts.platform.arch } : undefined;
    const request = { Ref: ref, Platform: platform, ResolveMode: 'default', LogName: `[internal] load metadata for ${ref}`, SessionID: opts.sessionId ?? '' };
    const res = await control.call<{ Config?: Uint8Array; Digest?: string }>('ResolveImageConfig', request, { service: LLB_BRIDGE, metadata, timeoutMs });
    await control.call('Return', { result: { metadata: {} } }, { service: LLB_BRIDGE, metadata, timeoutMs });
    await solving;
    const raw = Buffer.from(res.Config ?? []);
    return { digest: res.Digest ?? '', config: pickBaseConfig(raw), layerCount: layerCountOf(raw) };
  } catch (e) {
    const err = e as GrpcCallError;
    throw new BuildError('E_BASE_CONFIG', `cannot resolve the config of ${ref} through the daemon's gateway: ${err.details || err.message}`, { cause: e });
  }
}
