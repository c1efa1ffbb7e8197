/**
 * A unary gRPC client on one HTTP/2 connection over any Duplex (the frontend's stdin/stdout), because
 * grpc-js cannot dial a stream it did not open (grpc-node #2038). Messages are encoded by the caller.
 */
import type * as Http2 from 'node:http2';
import type { Duplex } from 'node:stream';

/** A call that ended with a non-zero grpc-status (or a broken transport, code 14 UNAVAILABLE). */
export class GrpcCallError extends Error {
  constructor(readonly method: string, readonly code: number, readonly details: string) {
    super(`${method}: ${details} (grpc status ${code})`);
    this.name = 'GrpcCallError';
  }
}

/** The 5-byte gRPC message prefix: not compressed, big-endian length. */
export function frameMessage(body: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a response body into its messages (a unary call has exactly one). */
export function unframeMessages(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 5 <= buf.length) {
    if (buf[at] !== 0) throw new Error('compressed gRPC messages are not supported');
    const len = buf.readUInt32BE(at + 1);
    out.push(buf.subarray(at + 5, at + 5 + len));
    at += 5 + len;
  }
  if (at !== buf.length) throw new Error('truncated gRPC message');
  return out;
}

function decodeGrpcMessage(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(',') : v ?? '';
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class H2GrpcClient {
  private readonly session: Http2.ClientHttp2Session;

  /** `stream` carries the whole connection; this side writes the client preface. */
  constructor(stream: Duplex) {
    // loaded here, not at the top: the frontend image's startup snapshot holds the evaluated bundle, and
    // Node 20 cannot snapshot node:http2 (its module init fails while a snapshot is built)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http2 = require('node:http2') as typeof Http2;
    // maxSessionMemory (MB): a big ReadFile reply must not trip nghttp2's ENHANCE_YOUR_CALM limit (default 10)
    this.session = http2.connect('http://localhost', { createConnection: () => stream, maxSessionMemory: 64 });
    this.session.on('error', () => undefined); // each call reports its own failure
  }

  /** One unary call: `path` is `/package.Service/Method`. */
  unary(path: string, request: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let req: Http2.ClientHttp2Stream;
      try {
        req = this.session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      } catch (e) {
        reject(new GrpcCallError(path, 14, (e as Error).message));
        return;
      }
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let message = '';
      const take = (h: Http2.IncomingHttpHeaders) => {
        if (h['grpc-status'] !== undefined) {
          status = String(h['grpc-status']);
          message = decodeGrpcMessage(h['grpc-message']);
        }
      };
      req.on('response', take);
      req.on('trailers', take);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', (e) => reject(new GrpcCallError(path, 14, e.message)));
      req.on('close', () => {
        if (status === undefined) return reject(new GrpcCallError(path, 14, 'the connection closed before the call ended'));
        if (status !== '0') return reject(new GrpcCallError(path, Number(status), message));
        try {
          resolve(unframeMessages(Buffer.concat(chunks))[0] ?? Buffer.alloc(0));
        } catch (e) {
          reject(new GrpcCallError(path, 13, (e as Error).message));
        }
      });
      req.end(frameMessage(request));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.session.close(() => resolve()));
  }
}
