/**
 * Build secrets: parsing `--secret id=X,src=FILE|env=VAR` (buildx syntax) and answering
 * Secrets.GetSecret. Values are read only when the daemon asks and never appear in messages or logs.
 */
import * as grpc from '@grpc/grpc-js';
import { UsageError } from '../../errors';
import * as fs from 'fs';
import { formatBytes, openRegularFile, readRegularFile, SIZE_CAPS, type ReadPolicy } from '../../regular-file';

export type SecretSource = { id: string; type: 'file'; src: string } | { id: string; type: 'env'; env: string };

function badSpec(spec: string, why: string): UsageError {
  return new UsageError('E_SECRET_SPEC', `--secret "${spec}": ${why}`, {
    hint: 'use --secret id=NAME,src=FILE or --secret id=NAME,env=VAR',
  });
}

/** Parse one `--secret` value. `type=env` with no `env=` reads the variable named like the id. */
export function parseSecretSpec(spec: string): SecretSource {
  const fields = new Map<string, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw badSpec(spec, `"${part}" is not key=value`);
    let key = part.slice(0, eq).trim().toLowerCase();
    if (key === 'source') key = 'src';
    if (!['id', 'src', 'env', 'type'].includes(key)) throw badSpec(spec, `unknown key "${key}"`);
    if (fields.has(key)) throw badSpec(spec, `"${key}" given twice`);
    fields.set(key, part.slice(eq + 1));
  }
  const id = fields.get('id');
  if (!id) throw badSpec(spec, 'missing id=');
  const kind = fields.get('type');
  if (kind !== undefined && kind !== 'file' && kind !== 'env') throw badSpec(spec, `type must be file or env, not "${kind}"`);
  const src = fields.get('src');
  const env = fields.get('env');
  if (src !== undefined && env !== undefined) throw badSpec(spec, 'give src= or env=, not both');
  if (env !== undefined || kind === 'env') {
    if (kind === 'file') throw badSpec(spec, 'type=file needs src=');
    const name = env ?? src ?? id;
    if (!name) throw badSpec(spec, 'empty env=');
    return { id, type: 'env', env: name };
  }
  if (!src) throw badSpec(spec, 'missing src= (or env=)');
  return { id, type: 'file', src };
}

/** Parse every `--secret` flag into the map startSession takes; a repeated id is a usage error. */
export function parseSecretSpecs(specs: readonly string[]): Record<string, SecretSource> {
  const out: Record<string, SecretSource> = {};
  for (const spec of specs) {
    const s = parseSecretSpec(spec);
    if (out[s.id]) throw badSpec(spec, `secret id "${s.id}" given twice`);
    out[s.id] = s;
  }
  return out;
}

/** The value of one secret, or undefined when it cannot be read (the error names no value). */
export async function readSecret(source: SecretSource, env: NodeJS.ProcessEnv): Promise<Buffer | undefined> {
  if (source.type === 'env') {
    const v = env[source.env];
    return v === undefined ? undefined : Buffer.from(v);
  }
  try {
    return readSecretFile(source);
  } catch {
    return undefined;
  }
}

/** A secret file's bytes: a regular file (not a FIFO or /dev/zero) no larger than BuildKit accepts. */
export function readSecretFile(source: { id: string; src: string }): Buffer {
  return readRegularFile(source.src, secretFilePolicy(source));
}

function secretFilePolicy(source: { id: string; src: string }): ReadPolicy {
  return {
    kind: 'secret',
    what: `--secret id=${source.id}: ${source.src}`,
    fail: (code, message, hint) => new UsageError(code === 'E_FILE_TOO_LARGE' ? 'E_SECRET_TOO_LARGE' : 'E_SECRET_SOURCE', message, { hint }),
  };
}

/**
 * Every source must be readable before connecting: a missing file, a directory, a FIFO, an unset variable or
 * a value over BuildKit's limit is a usage error now (exit 64), not "secret X: not found" from a RUN later,
 * or never, when the step is cached.
 */
export function checkSecretSources(secrets: Record<string, SecretSource>, env: NodeJS.ProcessEnv): void {
  for (const s of Object.values(secrets)) {
    if (s.type === 'file') {
      const { fd } = openRegularFile(s.src, secretFilePolicy(s));
      fs.closeSync(fd);
      continue;
    }
    const v = env[s.env];
    if (v === undefined) {
      throw new UsageError('E_SECRET_SOURCE', `--secret id=${s.id}: environment variable ${s.env} is not set`, {
        hint: `export ${s.env} or pass --secret id=${s.id},src=FILE`,
      });
    }
    if (Buffer.byteLength(v) > SIZE_CAPS.secret) {
      throw new UsageError('E_SECRET_TOO_LARGE', `--secret id=${s.id}: environment variable ${s.env} is larger than ${formatBytes(SIZE_CAPS.secret)}`, {
        hint: 'BuildKit refuses larger secrets; mount a smaller value',
      });
    }
  }
}

type GetSecretCall = grpc.ServerUnaryCall<{ ID?: string }, { data?: Buffer }>;

/** Secrets service implementation; unknown or unreadable ids are NOT_FOUND, as buildx answers. */
export function secretsService(secrets: Record<string, SecretSource>, env: NodeJS.ProcessEnv): grpc.UntypedServiceImplementation {
  return {
    GetSecret: (call: GetSecretCall, callback: grpc.sendUnaryData<{ data?: Buffer }>) => {
      const id = call.request.ID ?? '';
      const source = Object.prototype.hasOwnProperty.call(secrets, id) ? secrets[id] : undefined;
      if (!source) return callback({ code: grpc.status.NOT_FOUND, details: `secret ${id} not found` });
      readSecret(source, env).then((data) => {
        if (data === undefined) {
          const where = source.type === 'env' ? `environment variable ${source.env} is not set` : `cannot read ${source.src}`;
          return callback({ code: grpc.status.NOT_FOUND, details: `secret ${id}: ${where}` });
        }
        callback(null, { data });
      }, callback);
    },
  };
}
