/**
 * A base image's config from the daemon itself, for daemons with no Docker image store to ask (standalone
 * buildkitd): the client acts as a gateway frontend over its own Control connection, as buildctl/buildx
 * `client.Build` do. A Control.Solve with no frontend and no definition opens a build whose LLBBridge is
 * served by the daemon's gateway forwarder on the same connection; calls name that build with the
 * `buildkit-controlapi-buildid` metadata. ResolveImageConfig runs there, then Return ends the build.
 */
import { randomBytes } from 'crypto';
import * as grpc from '@grpc/grpc-js';
import type { OciImageConfig } from '../../llb';
import { pickBaseConfig } from '../frontend/image-result';
import type { BuildkitConnection } from './connection';
import { BuildError } from './errors';
import { serviceClient } from './protos';

type Callback<T> = (err: grpc.ServiceError | null, res: T) => void;
interface BridgeMethods {
  ResolveImageConfig(req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<{ Config?: Buffer; Digest?: string }>): void;
  Return(req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<object>): void;
}
interface ControlSolve { Solve(req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<object>): grpc.ClientUnaryCall }

export interface GatewayImageConfig {
  digest: string;
  config: Partial<OciImageConfig> | null;
  /** rootfs.diff_ids in the config: the image's layer count */
  layerCount?: number;
}

function layerCountOf(raw: Buffer): number | undefined {
  if (raw.length === 0) return undefined;
  const ids = (JSON.parse(raw.toString('utf8')) as { rootfs?: { diff_ids?: unknown[] } }).rootfs?.diff_ids;
  return Array.isArray(ids) ? ids.length : undefined;
}

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

/** ResolveImageConfig through the daemon's gateway forwarder; `sessionId` lets the daemon use the session's registry auth. */
export async function resolveImageConfigViaGateway(
  conn: BuildkitConnection,
  ref: string,
  opts: { platform?: { os: string; arch: string }; sessionId?: string; timeoutMs?: number } = {},
): Promise<GatewayImageConfig> {
  const buildId = `cogpack-config-${randomBytes(12).toString('hex')}`;
  const md = new grpc.Metadata();
  md.set('buildkit-controlapi-buildid', buildId);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const LlbBridge = serviceClient('moby.buildkit.v1.frontend.LLBBridge');
  const bridge = new LlbBridge('gateway', grpc.credentials.createInsecure(), { channelOverride: conn.control.getChannel() }) as unknown as grpc.Client & BridgeMethods;
  const control = conn.control as unknown as ControlSolve;
  // the build the forwarder serves: it lasts until Return (no frontend, no definition, no exporter)
  const solving = call<object>((cb) => control.Solve({ Ref: buildId, Session: opts.sessionId ?? '', Frontend: '', FrontendAttrs: {} }, new grpc.Metadata(), { deadline }, cb));
  solving.catch(() => undefined); // awaited below
  try {
    const platform = opts.platform ? { OS: opts.platform.os, Architecture: opts.platform.arch } : undefined;
    const res = await call<{ Config?: Buffer; Digest?: string }>((cb) =>
      bridge.ResolveImageConfig({ Ref: ref, Platform: platform, ResolveMode: 'default', LogName: `[internal] load metadata for ${ref}`, SessionID: opts.sessionId ?? '' }, md, { deadline }, cb));
    await call<object>((cb) => bridge.Return({ result: { metadata: {} } }, md, { deadline }, cb));
    await solving;
    const raw = Buffer.from(res.Config ?? []);
    return { digest: res.Digest ?? '', config: pickBaseConfig(raw), layerCount: layerCountOf(raw) };
  } catch (e) {
    const err = e as grpc.ServiceError;
    throw new BuildError('E_BASE_CONFIG', `cannot resolve the config of ${ref} through the daemon's gateway: ${err.details || err.message}`, { cause: e });
  }
  // no bridge.close(): the client shares the Control channel, and closing it would close that channel
}
