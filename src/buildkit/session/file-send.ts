/**
 * FileSend.DiffCopy: the daemon streams an exporter's output to the client. tar/oci/docker exporters
 * send BytesMessage chunks of one file; the local exporter sends an fsutil tree on the same method.
 */
import type { Writable } from 'stream';
import * as grpc from '@grpc/grpc-js';
import type { PacketStream } from './packet-stream';
import { diskWriter, type LocalDirReceiver } from './local-dir';
import { receivePackets } from './packet-receiver';
import { decodeBytesMessage, decodePacket, encodePacket, type Packet } from './wire';

/** Decides where exporter `index` (its position in SolveRequest.Exporters) writes. */
export type FileSendTarget = (exporterIndex: number, md: Record<string, string>) => Writable | LocalDirReceiver;

type RawCall = grpc.ServerDuplexStream<Buffer, Buffer>;

/** The exporter index and `exporter-md-*` entries the daemon attaches to the call. */
export function exporterMetadata(md: grpc.Metadata): { index: number; md: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(md.getMap())) {
    if (key.startsWith('exporter-md-')) out[key.slice('exporter-md-'.length)] = String(value);
  }
  const id = md.get('buildkit-attachable-exporter-id').map(String)[0];
  return { index: id === undefined ? 0 : Number(id), md: out };
}

function isLocal(target: Writable | LocalDirReceiver): target is LocalDirReceiver {
  return (target as LocalDirReceiver).type === 'local' && typeof (target as LocalDirReceiver).dest === 'string';
}

/** A raw call seen as a stream of Packets, for the local exporter's fsutil transfer. */
function packetView(call: RawCall): PacketStream {
  return {
    write: (p: Packet) => call.write(encodePacket(p)),
    end: () => call.end(),
    on(ev, fn) {
      if (ev === 'data') call.on('data', (b: Buffer) => fn(decodePacket(b)));
      else call.on(ev, fn);
      return this;
    },
  };
}

/** Copy BytesMessage chunks into `out`; end the call once `out` has flushed everything. */
function receiveBytes(call: RawCall, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => {
      out.destroy(e);
      reject(e);
    };
    call.on('data', (b: Buffer) => {
      if (!out.write(decodeBytesMessage(b))) {
        call.pause();
        out.once('drain', () => call.resume());
      }
    });
    call.on('end', () => out.end());
    call.on('error', fail);
    call.on('cancelled', () => fail(new Error('file send: the daemon cancelled the export')));
    out.on('error', (e) => reject(e));
    out.on('finish', () => {
      call.end();
      resolve();
    });
  });
}

/** The FileSend service; transfer errors end the call with the error so the daemon's export fails. */
export function fileSendService(target: FileSendTarget, onError: (e: Error) => void = () => {}): grpc.UntypedServiceImplementation {
  return {
    DiffCopy: (call: RawCall) => {
      const { index, md } = exporterMetadata(call.metadata);
      let work: Promise<void>;
      try {
        const dest = target(index, md);
        if (isLocal(dest)) {
          const writer = diskWriter(dest.dest);
          work = receivePackets(packetView(call), writer).then(
            () => writer.finish(),
            (e: unknown) => {
              writer.abandon();
              throw e;
            },
          );
        } else work = receiveBytes(call, dest);
      } catch (e) {
        work = Promise.reject(e);
      }
      work.catch((e: Error) => {
        onError(e);
        call.emit('error', e); // grpc-js turns an 'error' into the call's status
      });
    },
  };
}
