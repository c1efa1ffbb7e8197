/**
 * The receiving side of an fsutil DiffCopy: read STATs until the empty one, REQ the regular files the
 * handler wants, collect their DATA, then the FIN handshake. Used for the local exporter (daemon sends).
 */
import type { PacketStream } from './file-sync';
import { isRegular } from './file-sync';
import { PacketType, type Packet, type Stat } from './wire';

export interface ReceiveHandler {
  /** Called in walk order; return true to request the data of a regular file. */
  onStat(stat: Stat, id: number): Promise<boolean> | boolean;
  onData(id: number, chunk: Buffer): Promise<void> | void;
  onFileEnd(id: number): Promise<void> | void;
}

/** Receive one tree; resolves after FIN was exchanged (or the sender ended after our FIN). */
export function receivePackets(stream: PacketStream, handler: ReceiveHandler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let nextId = 0;
    let walkDone = false;
    let finSent = false;
    let settled = false;
    const pending = new Set<number>();
    let chain: Promise<void> = Promise.resolve();
    const finish = (e?: Error): void => {
      if (settled) return;
      settled = true;
      if (e) reject(e);
      else resolve();
    };
    const maybeFin = (): void => {
      if (walkDone && pending.size === 0 && !finSent) {
        finSent = true;
        stream.write({ type: PacketType.FIN });
      }
    };
    const step = async (p: Packet): Promise<void> => {
      if (p.type === PacketType.STAT) {
        if (!p.stat) {
          walkDone = true;
          return maybeFin();
        }
        const id = nextId++;
        const want = await handler.onStat(p.stat, id);
        if (want && isRegular(p.stat.mode) && !p.stat.linkname) {
          pending.add(id);
          stream.write({ type: PacketType.REQ, ID: id });
        }
      } else if (p.type === PacketType.DATA) {
        const id = p.ID ?? 0;
        if (!pending.has(id)) throw new Error(`file send: data for unrequested file id ${id}`);
        if (p.data && p.data.length > 0) return handler.onData(id, p.data);
        pending.delete(id);
        await handler.onFileEnd(id);
        maybeFin();
      } else if (p.type === PacketType.FIN) {
        stream.end();
        finish();
      } else if (p.type === PacketType.ERR) {
        throw new Error(`file send: error from sender: ${p.data?.toString() ?? ''}`);
      }
    };
    stream.on('data', (p: Packet) => {
      chain = chain.then(() => (settled ? undefined : step(p))).catch((e: Error) => {
        stream.write({ type: PacketType.ERR, data: Buffer.from(e.message) });
        stream.end();
        finish(e);
      });
    });
    stream.on('error', (e: Error) => finish(e));
    stream.on('end', () => {
      chain.then(() => (finSent ? finish() : finish(new Error('file send: stream ended before the transfer finished'))));
    });
  });
}
