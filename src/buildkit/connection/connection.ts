/**
 * Connects to BuildKit: tries each candidate endpoint (explicit address, BUILDKIT_HOST, Docker, defaults),
 * returns a Control client plus a way to open session transports, or one clear error naming what was tried.
 */
import type { Duplex } from 'stream';
import * as fs from 'fs';
import { H2GrpcClient, GRPC_STATUS, type GrpcCallError } from './h2-grpc';
import { ControlClient } from './control-client';
import { candidateEndpoints, type Endpoint, type TlsFiles } from './endpoint';
import { dialStream, dockerUpgrade, type Headers } from './docker-upgrade';
import { controlSessionDuplex } from './session-stream';
import { DaemonError } from '../errors';

export interface WorkerInfo {
  id: string;
  labels: Record<string, string>;
}

export interface BuildkitConnection {
  /** the Control API on the connection's one HTTP/2 session */
  control: ControlClient;
  kind: 'docker' | 'buildkitd';
  addr: string;
  endpoint: Endpoint;
  /** a duplex carrying the session's HTTP/2 connection (daemon dials the client's gRPC services over it) */
  openSessionTransport(headers: Headers): Promise<Duplex>;
  close(): void;
}

export interface ConnectOptions {
  addr?: string;
  env?: NodeJS.ProcessEnv;
  tls?: TlsFiles;
  /** per-candidate probe deadline */
  timeoutMs?: number;
}

export async function connectBuildkit(opts: ConnectOptions = {}): Promise<BuildkitConnection> {
  const tried: string[] = [];
  for (const endpoint of candidateEndpoints(opts)) {
    try {
      return await connectEndpoint(endpoint, opts.timeoutMs ?? 5_000);
    } catch (e) {
      tried.push(`${endpoint.addr} (${shortReason(e)})`);
    }
  }
  throw new DaemonError('E_NO_DAEMON', `no BuildKit answered; tried ${tried.join(', ')}`, {
    hint: 'start one (npm run buildkit:up) or pass --addr unix://…|tcp://…|docker://',
  });
}

/**
 * One HTTP/2 session straight on the daemon's stream. Docker: `POST /grpc` answered 101 is the probe (a
 * refusal carries Docker's own words), so the first Control call is the build's own. buildkitd: its socket
 * (TLS with ALPN h2), probed with ListWorkers, which proves a Control API answers there.
 */
async function connectEndpoint(endpoint: Endpoint, timeoutMs: number): Promise<BuildkitConnection> {
  if (endpoint.dial.kind === 'unix' && !fs.existsSync(endpoint.dial.socketPath)) throw new Error('no socket');
  const started = Date.now();
  const docker = endpoint.kind === 'docker';
  const stream = await withTimeout(docker ? dockerUpgrade(endpoint.dial, '/grpc', {}, timeoutMs) : dialStream(endpoint.dial, { alpnH2: true }), timeoutMs);
  const serverName = endpoint.dial.kind === 'tcp' ? (endpoint.dial.tls?.serverName ?? endpoint.dial.host) : undefined;
  const control = new ControlClient(new H2GrpcClient(stream, { authority: serverName }));
  if (docker) return makeConnection(endpoint, control);
  try {
    await listWorkers(control, Math.max(1, timeoutMs - (Date.now() - started)));
    return makeConnection(endpoint, control);
  } catch (e) {
    control.close();
    throw e;
  }
}

function withTimeout<T extends { destroy(): void }>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => {
      p.then(
        (s) => s.destroy(),
        () => undefined,
      );
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function makeConnection(endpoint: Endpoint, control: ControlClient): BuildkitConnection {
  return {
    control,
    kind: endpoint.kind,
    addr: endpoint.addr,
    endpoint,
    openSessionTransport: async (headers) =>
      endpoint.kind === 'docker' ? dockerUpgrade(endpoint.dial, '/session', headers) : controlSessionDuplex(control, headers),
    close: () => control.close(),
  };
}

/** The daemon's workers (their labels name the snapshotter); buildkitd's liveness probe. */
export async function listWorkers(control: ControlClient, timeoutMs: number): Promise<WorkerInfo[]> {
  const res = await control.call<{ record?: { ID?: string; Labels?: Record<string, string> }[] }>('ListWorkers', {}, { timeoutMs });
  return (res.record ?? []).map((r) => ({ id: r.ID ?? '', labels: r.Labels ?? {} }));
}

function shortReason(e: unknown): string {
  const err = e as Partial<GrpcCallError> & Error;
  const msg = (err.details || err.message || String(e)).split('\n')[0];
  if (/ENOENT/.test(msg)) return 'no socket';
  if (/ECONNREFUSED/.test(msg)) return 'connection refused';
  if (/EACCES/.test(msg)) return 'permission denied';
  if (err.code === GRPC_STATUS.DEADLINE_EXCEEDED) return 'no answer in time';
  return msg.replace(/^\d+ [A-Z_]+: /, '');
}
