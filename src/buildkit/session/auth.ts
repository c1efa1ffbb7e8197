/**
 * Registry auth for the daemon (moby.filesync.v1.Auth): credentials from the docker config file
 * (auths, credHelpers, credsStore) for the asked host, anonymous otherwise; tokens fetched client-side
 * the way buildx does; token-authority methods UNIMPLEMENTED (the daemon then uses plain tokens).
 */
import { execFile } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import type { DockerConfigData } from './docker-config-schema';
import { readFlagFile } from '../../regular-file';

export interface Credentials {
  Username?: string;
  Secret?: string;
}

/** $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
}

/** Docker Hub is stored under its legacy index URL; other hosts by host[:port]. */
function configKeys(host: string): string[] {
  return host === 'registry-1.docker.io' || host === 'docker.io' || host === 'index.docker.io'
    ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']
    : [host];
}

function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

async function readConfig(file: string): Promise<DockerConfigData> {
  let text: string;
  try {
    // a missing, unreadable or non-regular config (a FIFO would block) means no credentials, as for docker
    text = readFlagFile(file, 'key', 'docker config').toString('utf8');
  } catch {
    return {};
  }
  // zod loads here, on the daemon's first credentials request, not with every build's session
  const { DockerConfig } = require('./docker-config-schema') as typeof import('./docker-config-schema'); // eslint-disable-line @typescript-eslint/no-require-imports
  const parsed = DockerConfig.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : {};
}

function runHelper(helper: string, server: string, env: NodeJS.ProcessEnv): Promise<Credentials> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10_000, env }, (err, stdout) => {
      if (err) return resolve({}); // "credentials not found" exits non-zero: anonymous
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        resolve(out.Username === '<token>' ? { Secret: out.Secret } : { Username: out.Username, Secret: out.Secret });
      } catch {
        resolve({});
      }
    });
    child.stdin?.end(server);
  });
}

/** Credentials for a registry host from the docker config at `file`; `{}` means anonymous. */
export async function credentialsFor(host: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const cfg = await readConfig(file);
  const keys = configKeys(host);
  const helper = keys.map((k) => cfg.credHelpers?.[k]).find((h) => h) ?? cfg.credsStore;
  if (helper) {
    const fromHelper = await runHelper(helper, keys[0], env);
    if (fromHelper.Secret) return fromHelper;
  }
  const entries = Object.entries(cfg.auths ?? {});
  const entry = keys.map((k) => entries.find(([key]) => key === k || hostOf(key) === hostOf(k))?.[1]).find((e) => e);
  if (!entry) return {};
  if (entry.identitytoken) return { Secret: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon > 0) return { Username: decoded.slice(0, colon), Secret: decoded.slice(colon + 1) };
  }
  return entry.username ? { Username: entry.username, Secret: entry.password ?? '' } : {};
}

interface FetchTokenRequest {
  ClientID?: string;
  Host?: string;
  Realm?: string;
  Service?: string;
  Scopes?: string[];
}

/** Fetch a bearer token from the registry's realm with the configured credentials (GET token flow). */
export async function fetchToken(
  req: FetchTokenRequest,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ Token: string; ExpiresIn: number; IssuedAt: number }> {
  if (!req.Realm) throw new Error('FetchToken: no realm');
  const url = new URL(req.Realm);
  if (req.Service) url.searchParams.set('service', req.Service);
  for (const s of req.Scopes ?? []) url.searchParams.append('scope', s);
  const creds = await credentialsFor(req.Host ?? '', file, env);
  const headers: Record<string, string> = {};
  if (creds.Secret) {
    headers.authorization = `Basic ${Buffer.from(`${creds.Username ?? ''}:${creds.Secret}`).toString('base64')}`;
  }
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`FetchToken: ${url.origin}${url.pathname} answered ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error('FetchToken: the token response has no token');
  const issued = body.issued_at ? Math.floor(Date.parse(body.issued_at) / 1000) : 0;
  return { Token: token, ExpiresIn: body.expires_in ?? 60, IssuedAt: issued };
}

/** The Auth service; `configPath` is read on every call so a `docker login` mid-build is seen. */
export function authService(configPath: string, env: NodeJS.ProcessEnv): grpc.UntypedServiceImplementation {
  const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<unknown>): void =>
    cb({ code: grpc.status.UNIMPLEMENTED, details: 'token authority is not supported by cogpack' });
  return {
    Credentials: (call: grpc.ServerUnaryCall<{ Host?: string }, Credentials>, cb: grpc.sendUnaryData<Credentials>) => {
      credentialsFor(call.request.Host ?? '', configPath, env).then((c) => cb(null, c), cb);
    },
    FetchToken: (call: grpc.ServerUnaryCall<FetchTokenRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      fetchToken(call.request, configPath, env).then(
        (t) => cb(null, t),
        (e: Error) => cb({ code: grpc.status.UNAVAILABLE, details: e.message }),
      );
    },
    GetTokenAuthority: unimplemented,
    VerifyTokenAuthority: unimplemented,
  };
}
