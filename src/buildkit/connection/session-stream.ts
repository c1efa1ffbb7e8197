/**
 * A Duplex over BuildKit's `Control.Session` stream: each BytesMessage carries a raw chunk of the
 * session's HTTP/2 connection, so the session server can treat it like a socket (buildkitd transport).
 */
import { Duplex } from 'stream';
import { GRPC_STATUS, type GrpcCallError, type GrpcMetadata } from './h2-grpc';
import { CONTROL_SERVICE, decodeAs, encodeAs, methodTypes, type ControlClient } from './control-client';
import type { Headers } from './docker-upgrade';

/** Session headers travel as gRPC metadata with lower-cased names; each grpc-method is its own value. */
export function headersToMetadata(headers: Headers): GrpcMetadata {
  const md: GrpcMetadata = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const prev = md[key];
    const values = [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(value) ? value : [value])];
    md[key] = values.length === 1 ? values[0] : values;
  }
  return md;
}

export function controlSessionDuplex(control: ControlClient, headers: Headers): Duplex {
  const { req: BytesIn, res: BytesOut } = methodTypes(CONTROL_SERVICE, 'Session');
  let ended = false;
  const duplex = new Duplex({
    read() {
      /* data is pushed as it arrives */
    },
    write(chunk: Buffer, _enc, cb) {
      call.write(encodeAs(BytesIn, { data: chunk }), cb);
    },
    final(cb) {
      call.end();
      cb();
    },
    destroy(err, cb) {
      if (!ended) call.cancel();
      cb(err);
    },
  });
  const call = control.bidi(
    'Session',
    (b) => {
      const msg = decodeAs<{ data?: Uint8Array }>(BytesOut, b);
      duplex.push(msg.data ? Buffer.from(msg.data) : Buffer.alloc(0));
    },
    { metadata: headersToMetadata(headers) },
  );
  call.done.then(
    () => {
      ended = true;
      duplex.push(null);
    },
    (err: GrpcCallError) => {
      ended = true;
      if (err.code === GRPC_STATUS.CANCELLED) duplex.push(null);
      else duplex.destroy(err);
    },
  );
  return duplex;
}
