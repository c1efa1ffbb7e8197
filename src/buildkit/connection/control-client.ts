/**
 * BuildKit's gRPC services (Control, and the gateway forwarder's LLBBridge on the same connection) called
 * with plain objects over one H2GrpcClient: method types come from proto/ (protos.json), messages are
 * encoded and decoded as proto-loader would (field names as on the wire, int64 as strings).
 */
import type * as protobuf from 'protobufjs';
import { H2GrpcClient, type BidiCall, type CallOptions, type StreamingCall } from './h2-grpc';
import { PROTO_LOADER_OPTIONS, protoRoot } from '../../protobuf/protos';

export const CONTROL_SERVICE = 'moby.buildkit.v1.Control';

interface MethodTypes {
  path: string;
  req: protobuf.Type;
  res: protobuf.Type;
}

const methods = new Map<string, MethodTypes>();

/** Request and response types of `service`'s `method`, cached for the process. */
export function methodTypes(service: string, method: string): MethodTypes {
  const key = `${service}/${method}`;
  let m = methods.get(key);
  if (!m) {
    const def = protoRoot().lookupService(service).methods[method];
    if (!def) throw new Error(`no method ${method} in ${service}`);
    def.resolve();
    m = { path: `/${key}`, req: def.resolvedRequestType as protobuf.Type, res: def.resolvedResponseType as protobuf.Type };
    methods.set(key, m);
  }
  return m;
}

export function encodeAs(type: protobuf.Type, message: object): Uint8Array {
  return type.encode(type.fromObject(message)).finish();
}

export function decodeAs<T>(type: protobuf.Type, bytes: Uint8Array): T {
  return type.toObject(type.decode(bytes), PROTO_LOADER_OPTIONS) as T;
}

/** The daemon's Control API (and any other service on its connection, by full name). */
export class ControlClient {
  constructor(readonly rpc: H2GrpcClient) {}

  /** A unary call with objects in and out, e.g. `call('DiskUsage', { filter: [] })`. */
  async call<T = Record<string, unknown>>(method: string, request: object, opts: CallOptions & { service?: string } = {}): Promise<T> {
    const m = methodTypes(opts.service ?? CONTROL_SERVICE, method);
    return decodeAs<T>(m.res, await this.rpc.unary(m.path, encodeAs(m.req, request), opts));
  }

  /** A server-streaming call; each reply decoded to `onMessage`. */
  stream<T = Record<string, unknown>>(method: string, request: object, onMessage: (message: T) => void, opts: CallOptions = {}): StreamingCall {
    const m = methodTypes(CONTROL_SERVICE, method);
    return this.rpc.serverStream(m.path, encodeAs(m.req, request), (b) => onMessage(decodeAs<T>(m.res, b)), opts);
  }

  /** A bidirectional call on raw message bytes (Control.Session carries BytesMessages). */
  bidi(method: string, onMessage: (message: Buffer) => void, opts: CallOptions = {}): BidiCall {
    return this.rpc.bidi(methodTypes(CONTROL_SERVICE, method).path, onMessage, opts);
  }

  close(): void {
    this.rpc.destroy();
  }
}
