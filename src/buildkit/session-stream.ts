/**
 * A Duplex over BuildKit's `Control.Session` stream: each BytesMessage carries a raw chunk of the
 * session's HTTP/2 connection, so the session server can treat it like a socket (buildkitd transport).
 */
import { Duplex } from 'stream';
import * as grpc from '@grpc/grpc-js';
import type { Headers } from './docker-upgrade';

/** Session headers travel as gRPC metadata with lower-cased names; each grpc-method is its own value. */
export function headersToMetadata(headers: Headers): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) md.add(name.toLowerCase(), v);
  }
  return md;
}

export function controlSessionDuplex(control: grpc.Client, headers: Headers): Duplex {
  const call = (control as unknown as { Session(md: grpc.Metadata): grpc.ClientDuplexStream<{ data: Buffer }, { data?: Buffer }> })
    .Session(headersToMetadata(headers));
  let ended = false;
  const duplex = new Duplex({
    read() {
      /* data is pushed as it arrives */
    },
    write(chunk: Buffer, _enc, cb) {
      call.write({ data: chunk }, cb);
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
  call.on('data', (msg) => duplex.push(msg.data ? Buffer.from(msg.data) : Buffer.alloc(0)));
  call.on('end', () => {
    ended = true;
    duplex.push(null);
  });
  call.on('error', (err: grpc.ServiceError) => {
    ended = true;
    if (err.code === grpc.status.CANCELLED) duplex.push(null);
    else duplex.destroy(err);
  });
  return duplex;
}
