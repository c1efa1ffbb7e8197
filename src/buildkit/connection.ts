/**
 * Connects to BuildKit: tries each candidate endpoint (explicit address, BUILDKIT_HOST, Docker, defaults),
 * returns a Control client plus a way to open session transports, or one clear error naming what was tried.
 */
import type { Duplex } from 'stream';
import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { serviceClient } from './protos';
import { candidateEndpoints, type Endpoint, type TlsFiles } from './endpoint';
import { dockerUpgrade, startGrpcBridge, type Bridge, type Headers } from './docker-upgrade';
import { controlSessionDuplex } from './session-stream';
import { DaemonError } from './errors';

export interface WorkerInfo {
  id: string;
  labels: Record<string, string>;
}

export interface BuildkitConnection {
  control: grpc.Client;
  kind: 'docker' | 'buildkitd';
  addr: string;
  endpoint: Endpoint;
  workers: WorkerInfo[];
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

const GRPC_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.enable_retries': 0,
};

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

async function connectEndpoint(endpoint: Endpoint, timeoutMs: number): Promise<BuildkitConnection> {
  if (endpoint.dial.kind === 'unix' && !fs.existsSync(endpoint.dial.socketPath)) throw new Error('no socket');
  let bridge: Bridge | undefined;
  let target: string;
  let creds = grpc.credentials.createInsecure();
  // Docker: a bare upgrade runs beside the first call, so a refusal comes with Docker's own answer, at no extra round trip
  let probe: Promise<void> = Promise.resolve();
  if (endpoint.kind === 'docker') {
    probe = dockerUpgrade(endpoint.dial, '/grpc', {}, timeoutMs).then((s) => void s.destroy());
    probe.catch(() => undefined); // awaited below
    bridge = await startGrpcBridge(endpoint.dial);
    target = bridge.target;
  } else if (endpoint.dial.kind === 'unix') {
    target = `unix://${endpoint.dial.socketPath}`;
  } else {
    target = `${endpoint.dial.host}:${endpoint.dial.port}`;
    if (endpoint.dial.tls) creds = sslCredentials(endpoint.dial.tls);
  }
  const options = { ...GRPC_OPTIONS };
  if (endpoint.dial.kind === 'tcp' && endpoint.dial.tls?.serverName) options['grpc.ssl_target_name_override'] = endpoint.dial.tls.serverName;
  const Control = serviceClient('moby.buildkit.v1.Control');
  const control = new Control(target, creds, options);
  try {
    const listing = listWorkers(control, timeoutMs);
    listing.catch(() => undefined); // awaited after the probe, whose error names the cause better
    await probe;
    const workers = await listing;
    return makeConnection(endpoint, control, workers, bridge);
  } catch (e) {
    control.close();
    bridge?.close();
    throw e;
  }
}

function makeConnection(endpoint: Endpoint, control: grpc.Client, workers: WorkerInfo[], bridge?: Bridge): BuildkitConnection {
  return {
    control,
    kind: endpoint.kind,
    addr: endpoint.addr,
    endpoint,
    workers,
    openSessionTransport: async (headers) =>
      endpoint.kind === 'docker' ? dockerUpgrade(endpoint.dial, '/session', headers) : controlSessionDuplex(control, headers),
    close() {
      control.close();
      bridge?.close();
    },
  };
}

function sslCredentials(tls: TlsFiles): grpc.ChannelCredentials {
  const read = (f?: string): Buffer | null => (f ? fs.readFileSync(f) : null);
  return grpc.credentials.createSsl(read(tls.caCert), read(tls.key), read(tls.cert));
}

/** ListWorkers doubles as the liveness probe: it proves the Control API answers, and tells us the snapshotter. */
export function listWorkers(control: grpc.Client, timeoutMs: number): Promise<WorkerInfo[]> {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + timeoutMs);
    (control as any).ListWorkers({}, { deadline }, (err: grpc.ServiceError | null, res: { record?: { ID?: string; Labels?: Record<string, string> }[] }) => {
      if (err) reject(err);
      else resolve((res.record ?? []).map((r) => ({ id: r.ID ?? '', labels: r.Labels ?? {} })));
    });
  });
}

function shortReason(e: unknown): string {
  const err = e as Partial<grpc.ServiceError> & Error;
  const msg = (err.details || err.message || String(e)).split('\n')[0];
  if (/ENOENT/.test(msg)) return 'no socket';
  if (/ECONNREFUSED/.test(msg)) return 'connection refused';
  if (/EACCES/.test(msg)) return 'permission denied';
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return 'no answer in time';
  return msg.replace(/^\d+ [A-Z_]+: /, '');
}
