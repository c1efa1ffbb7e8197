/**
 * startSession: opens a BuildKit session on a connection (Docker `POST /session` or buildkitd
 * `Control.Session`) and serves Health, FileSync, Secrets, Auth and FileSend on it until closed.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Duplex } from 'stream';
import * as grpc from '@grpc/grpc-js';
import type { BuildkitConnection } from '../connection/connection';
import { DaemonError } from '../errors';
import { defaultDockerConfigPath } from './auth';
import type { ContentStores } from './content-store';
import type { FileSendTarget } from './file-send';
import type { ContextDir, SyncStats } from './file-sync';
import type { SecretSource } from './secrets';
import { buildSessionServer } from './server';

export { checkSecretSources, parseSecretSpec, parseSecretSpecs, type SecretSource } from './secrets';
export { localDirReceiver, type LocalDirReceiver } from './local-dir';
export type { ContextDir, SyncStats } from './file-sync';
export type { FileSendTarget } from './file-send';
export { sessionContexts, type PlanContext } from './contexts';

export interface SessionOptions {
  projectDir: string;
  contexts: Record<string, ContextDir>;
  secrets: Record<string, SecretSource>;
  fileSend?: FileSendTarget;
  /** cache type=local directories served to the daemon (store id → dir) */
  contentStores?: ContentStores;
  dockerConfigPath?: string;
  /** Environment for `env=` secrets and credential helpers (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides the shared key derived from projectDir (it decides which earlier sync the daemon diffs against). */
  sharedKey?: string;
  /** The session id (default: a new random one); known before the session opens, the LLB can be built meanwhile. */
  id?: string;
  onError?: (e: Error) => void;
  /** Called as each context transfer finishes (for progress output: files and bytes sent, duration). */
  onSync?: (stats: SyncStats) => void;
}

export interface Session {
  id: string;
  sharedKey: string;
  /** Every FileSync.DiffCopy finished so far, in order. */
  syncs: SyncStats[];
  /** How many Health.Check calls the daemon made on this session. */
  readonly healthChecks: number;
  close(): Promise<void>;
}

/** Stable for a project directory, so rebuilds re-use the daemon's previous copy of the context. */
export function sharedKeyFor(projectDir: string): string {
  const abs = fs.existsSync(projectDir) ? fs.realpathSync(projectDir) : path.resolve(projectDir);
  return createHash('sha256').update(`cogpack-context:${abs}`).digest('hex').slice(0, 32);
}

/** The HTTP headers (Docker) / metadata (buildkitd) that announce a session and its methods. */
export function sessionHeaders(id: string, name: string, sharedKey: string, methods: string[]): Record<string, string | string[]> {
  return {
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': name.replace(/[^\x20-\x7e]/g, '_') || 'cogpack',
    'X-Docker-Expose-Session-Sharedkey': sharedKey,
    'X-Docker-Expose-Session-Grpc-Method': methods,
  };
}

/** A new random session id (it reaches the LLB's local sources, never an image). */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

export async function startSession(conn: BuildkitConnection, opts: SessionOptions): Promise<Session> {
  const id = opts.id ?? newSessionId();
  const sharedKey = opts.sharedKey ?? sharedKeyFor(opts.projectDir);
  const syncs: SyncStats[] = [];
  let healthChecks = 0;
  const { server, methods } = buildSessionServer({
    contexts: opts.contexts,
    secrets: opts.secrets,
    fileSend: opts.fileSend,
    contentStores: opts.contentStores,
    dockerConfigPath: opts.dockerConfigPath ?? defaultDockerConfigPath(opts.env ?? process.env),
    env: opts.env ?? process.env,
    onError: opts.onError,
    onSync: (s) => {
      syncs.push(s);
      opts.onSync?.(s);
    },
    onHealthCheck: () => healthChecks++,
  });
  const headers = sessionHeaders(id, path.basename(path.resolve(opts.projectDir)), sharedKey, methods);
  let transport: Duplex;
  try {
    transport = await conn.openSessionTransport(headers);
  } catch (e) {
    throw new DaemonError('E_SESSION', `cannot open a BuildKit session on ${conn.addr}: ${(e as Error).message}`, { cause: e });
  }
  transport.on('error', (e) => opts.onError?.(e));
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  injector.injectConnection(transport);
  let closed = false;
  return {
    id,
    sharedKey,
    syncs,
    get healthChecks() {
      return healthChecks;
    },
    async close() {
      if (closed) return;
      closed = true;
      // node:http2 feeds bytes already buffered on the transport (the daemon's preface) to the server session
      // on the tick after it was made, and throws if it was destroyed meanwhile: a close right after opening
      // (a build failing at once) crashed the process
      await new Promise<void>((resolve) => setImmediate(resolve));
      injector.destroy();
      server.forceShutdown();
      transport.destroy();
    },
  };
}
