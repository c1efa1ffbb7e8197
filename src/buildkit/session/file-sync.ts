/**
 * FileSync.DiffCopy sender: streams one named context to the daemon as fsutil Packets (STATs in walk
 * order, an empty STAT, DATA for each REQ in 32 KiB chunks, FIN handshake).
 */
import * as fs from 'fs';
import { sender, type PacketStream, type Send } from './packet-stream';
import { GoMode, walkContext, type WalkOptions } from '../../fsutil/walk';
import { PacketType, type Packet } from './wire';
import { workQueue } from './work-queue';

export type { PacketStream } from './packet-stream';

export const DATA_CHUNK = 32 * 1024;

export interface ContextDir {
  dir: string;
  exclude: string[];
  include?: string[];
}

/** Counters per DiffCopy call, so callers (and tests) can see what a sync transferred. */
export interface SyncStats {
  context: string;
  entries: number;
  filesRequested: number;
  bytesSent: number;
  /** Wall time from the first STAT to the FIN handshake (progress output only; never in build outputs). */
  durationMs: number;
}

/** Files in flight at once, as Go's sender (4 workers); their DATA packets interleave by ID. */
export const FILE_WORKERS = 4;

async function sendFile(send: Send, id: number, file: string | Buffer, stats: SyncStats): Promise<void> {
  const fh = await fs.promises.open(file, 'r').catch(() => undefined);
  if (fh) {
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(DATA_CHUNK);
        const { bytesRead } = await fh.read(buf, 0, DATA_CHUNK, null);
        if (bytesRead === 0) break;
        stats.bytesSent += bytesRead;
        await send({ type: PacketType.DATA, ID: id, data: buf.subarray(0, bytesRead) });
      }
    } finally {
      await fh.close();
    }
  }
  await send({ type: PacketType.DATA, ID: id }); // empty DATA = end of this file
}

/** Run the sender side of one DiffCopy until the FIN handshake; rejects on ERR or a broken stream. */
export function sendContext(stream: PacketStream, ctxName: string, dir: string, opts: WalkOptions): Promise<SyncStats> {
  return new Promise<SyncStats>((resolve, reject) => {
    const run = new SendRun(stream, ctxName, resolve, reject);
    stream.on('error', (e: Error) => run.fail(e));
    stream.on('cancelled', () => run.fail(run.error('the daemon cancelled the transfer')));
    stream.on('end', () => run.finReceived || run.fail(run.error('the daemon ended the stream before FIN')));
    stream.on('data', (p: Packet) => run.onPacket(p));
    walkStats(run.send, dir, opts, run.files, run.stats).catch((e: Error) => {
      stream.write({ type: PacketType.ERR, data: Buffer.from(e.message) });
      run.fail(e);
    });
  });
}

/** The state of one DiffCopy: which ids are requestable, files in flight, and how it ends. */
class SendRun {
  readonly stats: SyncStats;
  readonly files = new Map<number, string | Buffer>();
  readonly send: Send;
  finReceived = false;
  private done = false;
  private readonly started = process.hrtime.bigint();
  private readonly queue = workQueue(FILE_WORKERS, (e) => this.fail(e));

  constructor(
    private readonly stream: PacketStream,
    private readonly ctxName: string,
    private readonly resolve: (s: SyncStats) => void,
    private readonly reject: (e: Error) => void,
  ) {
    this.stats = { context: ctxName, entries: 0, filesRequested: 0, bytesSent: 0, durationMs: 0 };
    const send = sender(stream);
    // Once the run has ended (cancelled, failed), the walker and file readers stop at their next packet.
    this.send = (p) => (this.done ? Promise.reject(this.error('transfer ended')) : send(p));
  }

  error(msg: string): Error {
    return new Error(`file sync of "${this.ctxName}": ${msg}`);
  }

  fail(e: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(e);
  }

  onPacket(p: Packet): void {
    if (p.type === PacketType.REQ) this.onRequest(p.ID ?? 0);
    else if (p.type === PacketType.FIN) this.onFin();
    else if (p.type === PacketType.ERR) this.fail(this.error(`error from receiver: ${p.data?.toString() ?? ''}`));
  }

  private onRequest(id: number): void {
    const file = this.files.get(id);
    if (file === undefined) return this.fail(this.error(`invalid file id ${id}`));
    this.files.delete(id);
    this.stats.filesRequested++;
    this.queue.push(() => sendFile(this.send, id, file, this.stats));
  }

  /** The receiver has everything: answer FIN once the files in flight are out, and end the call. */
  private onFin(): void {
    this.finReceived = true;
    this.queue.drained().then(() => {
      if (this.done) return;
      this.done = true;
      this.stream.write({ type: PacketType.FIN });
      this.stream.end();
      this.stats.durationMs = Math.round(Number(process.hrtime.bigint() - this.started) / 1e6);
      this.resolve(this.stats);
    });
  }
}

/** fsutil's fileCanRequestData: no Go os.ModeType bit set (setuid/setgid/sticky are not type bits). */
export function isRegular(goMode: number): boolean {
  const modeType = GoMode.dir + GoMode.symlink + GoMode.namedPipe + GoMode.socket + GoMode.device + GoMode.charDevice + (1 << 19);
  return (goMode & modeType) >>> 0 === 0;
}

async function walkStats(send: Send, dir: string, opts: WalkOptions, files: Map<number, string | Buffer>, stats: SyncStats): Promise<void> {
  let id = 0;
  for await (const entry of walkContext(dir, opts)) {
    if (isRegular(entry.stat.mode)) files.set(id, entry.abs);
    id++;
    stats.entries++;
    await send({ type: PacketType.STAT, stat: entry.stat });
  }
  await send({ type: PacketType.STAT }); // empty STAT = end of walk
}
