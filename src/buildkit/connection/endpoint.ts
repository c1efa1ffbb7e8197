/**
 * Where BuildKit might be: parses `--addr` / BUILDKIT_HOST / DOCKER_HOST into endpoints and lists the
 * candidates to try, in the order buildx users expect (explicit address, BUILDKIT_HOST, Docker, defaults).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../errors';

export const DEFAULT_BUILDKITD_SOCKET = '/run/buildkit/buildkitd.sock';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export interface TlsFiles {
  caCert?: string;
  cert?: string;
  key?: string;
  serverName?: string;
}

/** How to open a TCP or unix stream to a daemon. */
export type Dial = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls?: TlsFiles };

export interface Endpoint {
  kind: 'buildkitd' | 'docker';
  /** as the user would write it, for messages */
  addr: string;
  dial: Dial;
}

export interface EndpointOptions {
  addr?: string;
  env?: NodeJS.ProcessEnv;
  tls?: TlsFiles;
}

/** Candidates in try order; an explicit address is the only candidate. */
export function candidateEndpoints(opts: EndpointOptions): Endpoint[] {
  const env = opts.env ?? process.env;
  if (opts.addr) return [parseAddr(opts.addr, env, opts.tls)];
  const out: Endpoint[] = [];
  if (env.BUILDKIT_HOST) out.push(parseAddr(env.BUILDKIT_HOST, env, opts.tls));
  if (env.DOCKER_HOST) out.push(parseDockerHost(env.DOCKER_HOST, env));
  if (!env.BUILDKIT_HOST && fs.existsSync(DEFAULT_BUILDKITD_SOCKET)) {
    out.push({ kind: 'buildkitd', addr: `unix://${DEFAULT_BUILDKITD_SOCKET}`, dial: { kind: 'unix', socketPath: DEFAULT_BUILDKITD_SOCKET } });
  }
  if (!env.DOCKER_HOST) out.push(parseDockerHost(`unix://${DEFAULT_DOCKER_SOCKET}`, env));
  return out;
}

/** `unix:///path`, `tcp://host:port`, `docker://[DOCKER_HOST form]`. */
export function parseAddr(addr: string, env: NodeJS.ProcessEnv, tls?: TlsFiles): Endpoint {
  if (addr.startsWith('docker://')) {
    const rest = addr.slice('docker://'.length);
    const host = rest === '' ? (env.DOCKER_HOST ?? `unix://${DEFAULT_DOCKER_SOCKET}`) : rest.startsWith('/') ? `unix://${rest}` : rest;
    return { ...parseDockerHost(host, env), addr };
  }
  if (addr.startsWith('unix://')) {
    return { kind: 'buildkitd', addr, dial: { kind: 'unix', socketPath: unixPath(addr) } };
  }
  if (addr.startsWith('tcp://')) {
    const { host, port } = hostPort(addr, 1234);
    return { kind: 'buildkitd', addr, dial: { kind: 'tcp', host, port, tls: tlsFromEnv(tls, env) } };
  }
  throw new UsageError('E_ADDR_SCHEME', `unsupported BuildKit address "${addr}"`, {
    hint: 'use unix:///path, tcp://host:port or docker://',
  });
}

/** DOCKER_HOST forms: `unix:///path` or `tcp://host:port` (TLS from DOCKER_TLS_VERIFY + DOCKER_CERT_PATH). */
export function parseDockerHost(host: string, env: NodeJS.ProcessEnv): Endpoint {
  const addr = `docker ${host}`;
  if (host.startsWith('unix://')) return { kind: 'docker', addr, dial: { kind: 'unix', socketPath: unixPath(host) } };
  if (host.startsWith('tcp://')) {
    const { host: h, port } = hostPort(host, 2375);
    const certDir = env.DOCKER_CERT_PATH;
    const tls =
      env.DOCKER_TLS_VERIFY && certDir
        ? { caCert: path.join(certDir, 'ca.pem'), cert: path.join(certDir, 'cert.pem'), key: path.join(certDir, 'key.pem') }
        : undefined;
    return { kind: 'docker', addr, dial: { kind: 'tcp', host: h, port, tls } };
  }
  throw new UsageError('E_DOCKER_HOST', `unsupported DOCKER_HOST "${host}"`, { hint: 'use unix:///path or tcp://host:port' });
}

function unixPath(addr: string): string {
  const p = addr.slice('unix://'.length);
  if (!p.startsWith('/')) throw new UsageError('E_ADDR_UNIX', `"${addr}" must name an absolute socket path`, { hint: 'unix:///run/buildkit/buildkitd.sock' });
  return p;
}

function hostPort(addr: string, defaultPort: number): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(addr);
  } catch {
    throw new UsageError('E_ADDR_TCP', `cannot parse "${addr}"`, { hint: 'tcp://host:port' });
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : defaultPort };
}

/** Flags win over BUILDKIT_TLS_CACERT / BUILDKIT_TLS_CERT / BUILDKIT_TLS_KEY / BUILDKIT_TLS_SERVERNAME. */
export function tlsFromEnv(flags: TlsFiles | undefined, env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const tls: TlsFiles = {
    caCert: flags?.caCert ?? env.BUILDKIT_TLS_CACERT,
    cert: flags?.cert ?? env.BUILDKIT_TLS_CERT,
    key: flags?.key ?? env.BUILDKIT_TLS_KEY,
    serverName: flags?.serverName ?? env.BUILDKIT_TLS_SERVERNAME,
  };
  if (!tls.caCert && !tls.cert && !tls.key) return undefined;
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    throw new UsageError('E_TLS_PAIR', 'a TLS client certificate needs both --tlscert and --tlskey');
  }
  for (const file of [tls.caCert, tls.cert, tls.key]) {
    if (file && !fs.existsSync(file)) throw new UsageError('E_TLS_FILE', `TLS file not found: ${file}`);
  }
  return tls;
}
