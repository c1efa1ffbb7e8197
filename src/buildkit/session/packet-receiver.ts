/**
 * The receiving side of an fsutil DiffCopy: read STATs until the empty one, REQ the regular files the
 * handler wants, collect their DATA, then the FIN handshake. Used for the local exporter (daemon sends).
 */
import { isRegular } from './file-sync';
import type { PacketStream } from './packet-stream';
import { PacketType, type Packet, type Stat } from './wire';

export interface ReceiveHandler {
  /** Called in walk order with the entry's implicit id; return true to request a regular file's data. */
  onStat(stat: Stat, id: number): Promise<boolean> | boolean;
  onData(id: number, chunk: Buffer): Promise<void> | void;
  onFileEnd(id: number): Promise<void> | void;
}

/** Receive one tree; resolves after FIN was exchanged (or the sender ended after our FIN). */
export function receivePackets(stream: PacketStream, handler: ReceiveHandler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const run = new ReceiveRun(stream, handler, (e) => (e ? reject(e) : resolve()));
    let chain: Promise<void> = Promise.resolve();
    // Packets are handled strictly one after another: file writes must not reorder.
    stream.on('data', (p: Packet) => {
      chain = chain.then(() => run.step(p)).catch((e: Error) => run.abort(e));
    });
    stream.on('error', (e: Error) => run.finish(e));
    stream.on('end', () => {
      chain.then(() => run.finish(run.finSent ? undefined : new Error('file send: stream ended before the transfer finished')));
    });
  });
}

class ReceiveRun {
  finSent = false;
  private nextId = 0;
  private walkDone = false;
  private settled = false;
  private readonly pending = new Set<number>();

  constructor(
    private readonly stream: PacketStream,
    private readonly handler: ReceiveHandler,
    private readonly settle: (e?: Error) => void,
  ) {}

  finish(e?: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(e);
  }

  abort(e: Error): void {
    if (this.settled) return;
    this.stream.write({ type: PacketType.ERR, data: Buffer.from(e.message) });
    this.stream.end();
    this.finish(e);
  }

  async step(p: Packet): Promise<void> {
    if (this.settled) return;
    if (p.type === PacketType.STAT) return this.onStat(p.stat);
    if (p.type === PacketType.DATA) return this.onData(p.ID ?? 0, p.data);
    if (p.type === PacketType.FIN) {
      this.stream.end();
      return this.finish();
    }
    if (p.type === PacketType.ERR) throw new Error(`file send: error from sender: ${p.data?.toString() ?? ''}`);
  }

  private async onStat(stat: Stat | undefined): Promise<void> {
    if (!stat) {
      this.walkDone = true;
      return this.maybeFin();
    }
    const id = this.nextId++;
    const want = await this.handler.onStat(stat, id);
    if (want && isRegular(stat.mode) && !stat.linkname) {
      this.pending.add(id);
      this.stream.write({ type: PacketType.REQ, ID: id });
    }
  }

  private async onData(id: number, data: Buffer | undefined): Promise<void> {
    if (!this.pending.has(id)) throw new Error(`file send: data for unrequested file id ${id}`);
    if (data && data.length > 0) return this.handler.onData(id, data);
    this.pending.delete(id);
    await this.handler.onFileEnd(id);
    this.maybeFin();
  }

  private maybeFin(): void {
    if (this.walkDone && this.pending.size === 0 && !this.finSent) {
      this.finSent = true;
      this.stream.write({ type: PacketType.FIN });
    }
  }
}
