/**
 * The session's containerd Content service over client-side OCI layout directories: what BuildKit calls to
 * write (`--cache-to type=local,dest=DIR`) and read (`--cache-from type=local,src=DIR`) cache blobs. The
 * daemon names the store in the `buildkit-attachable-store-id` metadata (`local:<dir>`, as buildx does).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';

const STORE_HEADER = 'buildkit-attachable-store-id';
const CHUNK = 1 << 20;
const ACTION = { STAT: 0, WRITE: 1, COMMIT: 2 } as const;

/** store id → directory */
export type ContentStores = Record<string, string>;

interface WriteRequest {
  action?: number | string;
  ref?: string;
  total?: string;
  expected?: string;
  offset?: string;
  data?: Buffer;
}

const grpcError = (code: grpc.status, details: string): Partial<grpc.StatusObject> => ({ code, details });
const now = () => ({ seconds: String(Math.floor(Date.now() / 1000)) });

export function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (alg !== 'sha256' || !/^[0-9a-f]{64}$/.test(hex ?? '')) throw grpcError(grpc.status.INVALID_ARGUMENT, `bad digest "${digest}"`);
  return path.join(dir, 'blobs', alg, hex);
}

function storeDir(stores: ContentStores, md: grpc.Metadata): string {
  const id = String(md.get(STORE_HEADER)[0] ?? '');
  const dir = Object.prototype.hasOwnProperty.call(stores, id) ? stores[id] : undefined;
  if (!dir) throw grpcError(grpc.status.NOT_FOUND, `content store "${id}" not found`);
  return dir;
}

function info(dir: string, digest: string) {
  const file = blobPath(dir, digest);
  if (!fs.existsSync(file)) throw grpcError(grpc.status.NOT_FOUND, `content digest ${digest}: not found`);
  const st = fs.statSync(file);
  return { digest, size: String(st.size), created_at: now(), updated_at: now() };
}

/** Wraps a unary handler: thrown status objects become the call's status. */
function unary<Req, Res>(fn: (dir: string, req: Req) => Res, stores: ContentStores) {
  return (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => {
    try {
      cb(null, fn(storeDir(stores, call.metadata), call.request));
    } catch (e) {
      cb(e as grpc.ServiceError);
    }
  };
}

function readBlob(stores: ContentStores) {
  return (call: grpc.ServerWritableStream<{ digest: string; offset?: string; size?: string }, unknown>) => {
    try {
      const file = blobPath(storeDir(stores, call.metadata), call.request.digest);
      if (!fs.existsSync(file)) throw grpcError(grpc.status.NOT_FOUND, `content digest ${call.request.digest}: not found`);
      const start = Math.max(0, Number(call.request.offset ?? 0));
      const size = Number(call.request.size ?? 0);
      const end = size > 0 ? start + size - 1 : undefined;
      let offset = start;
      const rs = fs.createReadStream(file, { start, end, highWaterMark: CHUNK });
      rs.on('data', (data) => {
        call.write({ offset: String(offset), data });
        offset += data.length;
      });
      rs.on('end', () => call.end());
      rs.on('error', (e) => call.destroy(e));
    } catch (e) {
      call.emit('error', e);
    }
  };
}

/** One ingest (a Write stream): data goes to `ingest/<sha256(ref)>`, and COMMIT moves it under its digest. */
class Ingest {
  offset = 0;
  total = 0;
  expected = '';
  private hash = createHash('sha256');
  readonly file: string;

  constructor(
    readonly dir: string,
    readonly ref: string,
  ) {
    this.file = path.join(dir, 'ingest', createHash('sha256').update(ref).digest('hex'));
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, ''); // a new stream starts over (resuming is optional in the protocol)
  }

  write(at: number, data: Buffer): void {
    if (at === 0 && this.offset !== 0) {
      fs.writeFileSync(this.file, '');
      this.offset = 0;
      this.hash = createHash('sha256');
    }
    if (at !== this.offset) throw grpcError(grpc.status.OUT_OF_RANGE, `write at ${at}, but ${this.offset} bytes are written`);
    fs.appendFileSync(this.file, data);
    this.hash.update(data);
    this.offset += data.length;
  }

  commit(): string {
    const digest = `sha256:${this.hash.digest('hex')}`;
    if (this.total > 0 && this.total !== this.offset)
      throw grpcError(grpc.status.FAILED_PRECONDITION, `${this.ref}: size ${this.offset}, expected ${this.total}`);
    if (this.expected && this.expected !== digest) throw grpcError(grpc.status.FAILED_PRECONDITION, `${this.ref}: digest ${digest}, expected ${this.expected}`);
    const dest = blobPath(this.dir, digest);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(this.file, dest);
    return digest;
  }
}

function handleWrite(dir: string, state: { ingest?: Ingest }, req: WriteRequest): Record<string, unknown> {
  const action = typeof req.action === 'string' ? ACTION[req.action as keyof typeof ACTION] : (req.action ?? 0);
  if (!state.ingest) {
    if (req.expected && fs.existsSync(blobPath(dir, req.expected))) throw grpcError(grpc.status.ALREADY_EXISTS, `content ${req.expected}: already exists`);
    state.ingest = new Ingest(dir, req.ref || 'unnamed');
  }
  const ing = state.ingest;
  if (Number(req.total ?? 0) > 0) ing.total = Number(req.total);
  if (req.expected) ing.expected = req.expected;
  if (action !== ACTION.STAT && (req.data?.length || action === ACTION.WRITE)) ing.write(Number(req.offset ?? 0), req.data ?? Buffer.alloc(0));
  const base = { action, offset: String(ing.offset), total: String(ing.total), started_at: now(), updated_at: now() };
  if (action !== ACTION.COMMIT) return base;
  state.ingest = undefined;
  return { ...base, digest: ing.commit() };
}

function writeBlob(stores: ContentStores) {
  return (call: grpc.ServerDuplexStream<WriteRequest, unknown>) => {
    const state: { ingest?: Ingest } = {};
    let chain = Promise.resolve();
    call.on('data', (req: WriteRequest) => {
      chain = chain
        .then(() => {
          call.write(handleWrite(storeDir(stores, call.metadata), state, req));
        })
        .catch((e) => {
          if (state.ingest) fs.rmSync(state.ingest.file, { force: true });
          call.emit('error', e);
        });
    });
    call.on('end', () => void chain.then(() => call.end()));
  };
}

export function contentService(stores: ContentStores): grpc.UntypedServiceImplementation {
  return {
    Info: unary((dir, req: { digest: string }) => ({ info: info(dir, req.digest) }), stores),
    Update: unary((dir, req: { info: { digest: string } }) => ({ info: info(dir, req.info.digest) }), stores),
    Delete: unary((dir, req: { digest: string }) => (fs.rmSync(blobPath(dir, req.digest), { force: true }), {}), stores),
    Status: unary((dir, req: { ref: string }) => {
      const file = path.join(dir, 'ingest', createHash('sha256').update(req.ref).digest('hex'));
      if (!fs.existsSync(file)) throw grpcError(grpc.status.NOT_FOUND, `ingest ${req.ref}: not found`);
      return { status: { ref: req.ref, offset: String(fs.statSync(file).size) } };
    }, stores),
    Abort: unary(
      (dir, req: { ref: string }) => (fs.rmSync(path.join(dir, 'ingest', createHash('sha256').update(req.ref).digest('hex')), { force: true }), {}),
      stores,
    ),
    Read: readBlob(stores),
    Write: writeBlob(stores),
  };
}
