/**
 * A gRPC client on one HTTP/2 connection over any Duplex (the frontend's stdin/stdout, a socket to buildkitd,
 * Docker's upgraded `POST /grpc` stream), because grpc-js cannot dial a stream it did not open (grpc-node
 * #2038). Unary, server-streaming and bidirectional calls with metadata, deadlines, cancellation and
 * grpc-status from the headers or the trailers. Messages are bytes: callers encode and decode them.
 */
import type * as Http2 from 'node:http2';
import type { Duplex } from 'node:stream';

/** The status codes this client produces or callers test for (grpc/status codes). */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** A call that ended with a non-zero grpc-status (or a broken transport, code 14 UNAVAILABLE). */
export class GrpcCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`${method}: ${details} (grpc status ${code})`);
    this.name = 'GrpcCallError';
  }
}

export type GrpcMetadata = Record<string, string | string[]>;

export interface CallOptions {
  /** request metadata (lower-case names; an array sends one header line per value) */
  metadata?: GrpcMetadata;
  /** deadline from now: sent as grpc-timeout, and the call is cancelled locally when it passes */
  timeoutMs?: number;
  /** abort → the stream is reset with CANCEL (a gRPC server cancels the call's context) */
  signal?: AbortSignal;
}

/** A call whose messages arrive as they come: `done` settles when the call ended (rejects with GrpcCallError). */
export interface StreamingCall {
  done: Promise<void>;
  cancel(): void;
}

/** A bidirectional call: messages out with write/end, in through the callback given when it started. */
export interface BidiCall extends StreamingCall {
  write(message: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  end(): void;
}

/** The 5-byte gRPC message prefix: not compressed, big-endian length. */
export function frameMessage(body: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a complete response body into its messages (a unary call has exactly one). */
export function unframeMessages(buf: Buffer): Buffer[] {
  const reader = new MessageReader();
  const out = reader.push(buf);
  if (reader.pending > 0) throw new Error('truncated gRPC message');
  return out;
}

/**
 * Incremental gRPC message framing: chunks in, whole messages out. A big message spans many DATA frames;
 * chunks are kept as they come and joined once the whole message is there (no copy per chunk).
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  private length = 0;

  get pending(): number {
    return this.length;
  }

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const out: Buffer[] = [];
    while (this.length >= 5) {
      const head = this.peek(5);
      if (head[0] !== 0) throw new Error('compressed gRPC messages are not supported');
      const len = head.readUInt32BE(1);
      if (this.length < 5 + len) break;
      out.push(this.take(5 + len).subarray(5));
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  /** The first n bytes as one Buffer; the rest stays queued. */
  private take(n: number): Buffer {
    const all = this.peek(n);
    this.chunks[0] = all.subarray(n);
    if (this.chunks[0].length === 0) this.chunks.shift();
    this.length -= n;
    return all.subarray(0, n);
  }
}

function decodeGrpcMessage(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// loaded on first use, not at the top: the frontend image's startup snapshot holds the evaluated bundle,
// and Node 20 cannot snapshot node:http2 (its module init fails while a snapshot is built)
function http2(): typeof Http2 {
  return require('node:http2') as typeof Http2; // eslint-disable-line @typescript-eslint/no-require-imports
}

export interface H2GrpcOptions {
  /** the :authority of every call (a TLS endpoint's host name; grpc servers mostly ignore it) */
  authority?: string;
}

export class H2GrpcClient {
  private readonly session: Http2.ClientHttp2Session;
  private closedReason: string | undefined;

  /** `stream` carries the whole connection, already connected; this side writes the client preface. */
  constructor(stream: Duplex, opts: H2GrpcOptions = {}) {
    const scheme = (stream as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    // maxSessionMemory (MB): a big ReadFile reply must not trip nghttp2's ENHANCE_YOUR_CALM limit (default 10)
    this.session = http2().connect(`${scheme}://${opts.authority ?? 'localhost'}`, { createConnection: () => stream, maxSessionMemory: 64 });
    // each call reports its own failure; the first error is kept for calls started after the connection broke
    this.session.on('error', (e) => (this.closedReason ??= e.message));
    this.session.on('close', () => (this.closedReason ??= 'the connection closed'));
  }

  /** One unary call: `path` is `/package.Service/Method`. */
  unary(path: string, request: Uint8Array, opts: CallOptions = {}): Promise<Buffer> {
    let reply: Buffer | undefined;
    const call = this.start(path, opts, (m) => (reply ??= m));
    call.req?.end(frameMessage(request));
    return call.done.then(() => reply ?? Buffer.alloc(0));
  }

  /** One request, a stream of replies to `onMessage`. */
  serverStream(path: string, request: Uint8Array, onMessage: (message: Buffer) => void, opts: CallOptions = {}): StreamingCall {
    const call = this.start(path, opts, onMessage);
    call.req?.end(frameMessage(request));
    return { done: call.done, cancel: call.cancel };
  }

  /** Messages both ways, e.g. Control.Session (the session's own HTTP/2 bytes wrapped in BytesMessages). */
  bidi(path: string, onMessage: (message: Buffer) => void, opts: CallOptions = {}): BidiCall {
    const call = this.start(path, opts, onMessage);
    return {
      done: call.done,
      cancel: call.cancel,
      write: (message, cb) => (call.req && !call.req.destroyed ? call.req.write(frameMessage(message), cb) : (cb?.(new Error('the call has ended')), false)),
      end: () => void call.req?.end(),
    };
  }

  private start(path: string, opts: CallOptions, onMessage: (m: Buffer) => void): { req?: Http2.ClientHttp2Stream; done: Promise<void>; cancel: () => void } {
    let req: Http2.ClientHttp2Stream;
    try {
      if (this.closedReason !== undefined || this.session.destroyed) throw new Error(this.closedReason ?? 'the connection closed');
      req = this.session.request(requestHeaders(path, opts));
    } catch (e) {
      const done = Promise.reject(new GrpcCallError(path, GRPC_STATUS.UNAVAILABLE, (e as Error).message));
      return { done, cancel: () => undefined };
    }
    let cancel = (): void => undefined;
    const done = new Promise<void>((resolve, reject) => {
      cancel = watchCall(req, path, opts, onMessage, (err) => (err ? reject(err) : resolve()));
    });
    done.catch(() => undefined); // a caller that only cancels need not await
    return { req, done, cancel };
  }

  // Both wait one tick: node:http2 feeds bytes already buffered on the socket (the server's SETTINGS that came
  // with Docker's 101) to the session on the tick after it was made, and throws if it was destroyed meanwhile.

  /** Waits for open calls to finish, then closes the connection. */
  close(): Promise<void> {
    return new Promise((resolve) => process.nextTick(() => (this.session.destroyed ? resolve() : this.session.close(() => resolve()))));
  }

  /** Ends the connection now; open calls fail with UNAVAILABLE. */
  destroy(): void {
    process.nextTick(() => this.session.destroy());
  }
}

function requestHeaders(path: string, opts: CallOptions): Http2.OutgoingHttpHeaders {
  const headers: Http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' };
  for (const [k, v] of Object.entries(opts.metadata ?? {})) headers[k.toLowerCase()] = v;
  if (opts.timeoutMs !== undefined) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(opts.timeoutMs))}m`;
  return headers;
}

interface CallEnd {
  failure?: GrpcCallError;
  /** grpc-status and grpc-message, from the trailers (or the headers of a trailers-only answer) */
  status?: number;
  message: string;
  /** the HTTP :status, named when a non-gRPC answer carries no grpc-status */
  httpStatus?: number;
  /** the answer is not application/grpc: its body is not read as messages */
  notGrpc?: boolean;
  pending: number;
}

/** How a call ended, as the error to settle it with (undefined: OK). */
function outcome(path: string, end: CallEnd): GrpcCallError | undefined {
  if (end.failure) return end.failure;
  if (end.status === undefined) {
    const why =
      end.httpStatus && (end.httpStatus !== 200 || end.notGrpc)
        ? `HTTP ${end.httpStatus} without a grpc-status`
        : 'the connection closed before the call ended';
    return new GrpcCallError(path, GRPC_STATUS.UNAVAILABLE, why);
  }
  if (end.status !== GRPC_STATUS.OK) return new GrpcCallError(path, end.status, end.message);
  if (end.pending > 0) return new GrpcCallError(path, GRPC_STATUS.INTERNAL, 'truncated gRPC message');
  return undefined;
}

/** Follows one call to its end; returns its cancel function. `settle` runs once. */
function watchCall(
  req: Http2.ClientHttp2Stream,
  path: string,
  opts: CallOptions,
  onMessage: (m: Buffer) => void,
  settle: (err?: GrpcCallError) => void,
): () => void {
  const reader = new MessageReader();
  const end: CallEnd = { message: '', pending: 0 };
  const stop = (code: number, details: string): void => {
    end.failure ??= new GrpcCallError(path, code, details);
    if (!req.destroyed) req.close(http2().constants.NGHTTP2_CANCEL);
  };
  const cancel = (): void => stop(GRPC_STATUS.CANCELLED, 'cancelled on the client');
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => stop(GRPC_STATUS.DEADLINE_EXCEEDED, 'deadline exceeded'), opts.timeoutMs);
  if (opts.signal?.aborted) cancel();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  const take = (h: Http2.IncomingHttpHeaders): void => {
    if (h[':status'] !== undefined) {
      end.httpStatus = Number(h[':status']);
      const type = h['content-type'];
      end.notGrpc = type !== undefined && !String(type).startsWith('application/grpc');
    }
    if (h['grpc-status'] === undefined) return;
    end.status = Number(h['grpc-status']);
    end.message = decodeGrpcMessage(h['grpc-message']);
  };
  req.on('response', take);
  req.on('trailers', take);
  req.on('data', (chunk: Buffer) => {
    if (end.failure || end.notGrpc) return;
    try {
      for (const m of reader.push(chunk)) onMessage(m);
    } catch (e) {
      stop(GRPC_STATUS.INTERNAL, (e as Error).message);
    }
  });
  req.on('error', (e) => (end.failure ??= new GrpcCallError(path, GRPC_STATUS.UNAVAILABLE, e.message)));
  req.on('close', () => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
    end.pending = reader.pending;
    settle(outcome(path, end));
  });
  return cancel;
}
