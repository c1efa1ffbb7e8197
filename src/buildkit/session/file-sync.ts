/**
 * FileSync.DiffCopy sender: streams one named context to the daemon as fsutil Packets (STATs in walk
 * order, an empty STAT, DATA for each REQ in 32 KiB chunks, FIN handshake).
 */
import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { GoMode, walkContext, type WalkOptions } from './walk';
import { PacketType, type Packet } from './wire';

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

/** The minimal stream surface the sender needs: grpc-js duplex calls and test fakes both fit. */
export interface PacketStream {
  write(p: Packet): boolean;
  end(): void;
  /** 'data' gives a Packet, 'error' an Error; 'end' and 'drain' no argument. */
  on(ev: 'data' | 'end' | 'drain' | 'error' | 'close', fn: (arg: any) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** gRPC metadata values for `key`, URL-decoded when the daemon marked them `<key>-encoded: 1`. */
export function metadataValues(md: grpc.Metadata, key: string): string[] {
  const values = md.get(key).map(String);
  const encoded = md.get(`${key}-encoded`).map(String)[0] === '1';
  return encoded ? values.map((v) => decodeURIComponent(v.replace(/\+/g, ' '))) : values;
}

/** The walk options for one request: the context's own patterns first, then the daemon's (last match wins). */
export function walkOptionsFor(ctx: ContextDir, md: grpc.Metadata): WalkOptions {
  const include = metadataValues(md, 'include-patterns');
  return {
    include: include.length > 0 ? include : ctx.include,
    exclude: [...ctx.exclude, ...metadataValues(md, 'exclude-patterns')],
    followPaths: metadataValues(md, 'followpaths'),
  };
}

type Send = (p: Packet) => Promise<void>;

/** Files in flight at once, as Go's sender (4 workers); their DATA packets interleave by ID. */
export const FILE_WORKERS = 4;

/** Runs pushed tasks with at most `limit` at a time; `drained()` resolves once nothing is queued or running. */
function workQueue(limit: number, onError: (e: Error) => void) {
  const queued: (() => Promise<void>)[] = [];
  let running = 0;
  const idle: (() => void)[] = [];
  const pump = (): void => {
    while (running < limit && queued.length > 0) {
      const task = queued.shift()!;
      running++;
      task()
        .catch(onError)
        .finally(() => {
          running--;
          pump();
        });
    }
    if (running === 0 && queued.length === 0) idle.splice(0).forEach((r) => r());
  };
  return {
    push(task: () => Promise<void>): void {
      queued.push(task);
      pump();
    },
    drained(): Promise<void> {
      return running === 0 && queued.length === 0 ? Promise.resolve() : new Promise((r) => idle.push(r));
    },
  };
}

/** A write that waits for 'drain' when the stream is full, with one 'drain' listener however many wait. */
function sender(stream: PacketStream): Send {
  const waiters: (() => void)[] = [];
  stream.on('drain', () => waiters.splice(0).forEach((w) => w()));
  return async (p) => {
    if (!stream.write(p)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
}

async function sendFile(send: Send, id: number, file: string, stats: SyncStats): Promise<void> {
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
  const stats: SyncStats = { context: ctxName, entries: 0, filesRequested: 0, bytesSent: 0, durationMs: 0 };
  const started = process.hrtime.bigint();
  const files = new Map<number, string>();
  const send = sender(stream);
  return new Promise<SyncStats>((resolve, reject) => {
    let done = false;
    let finReceived = false;
    const fail = (e: Error): void => {
      if (!done) (done = true), reject(e);
    };
    const queue = workQueue(FILE_WORKERS, fail);
    stream.on('error', fail);
    stream.on('end', () => finReceived || fail(new Error(`file sync of "${ctxName}": the daemon ended the stream before FIN`)));
    stream.on('data', (p: Packet) => {
      if (p.type === PacketType.REQ) {
        const id = p.ID ?? 0;
        const file = files.get(id);
        if (file === undefined) return fail(new Error(`file sync of "${ctxName}": invalid file id ${id}`));
        files.delete(id);
        stats.filesRequested++;
        queue.push(() => sendFile(send, id, file, stats));
      } else if (p.type === PacketType.FIN) {
        finReceived = true;
        queue.drained().then(() => {
          if (done) return;
          stream.write({ type: PacketType.FIN });
          stream.end();
          done = true;
          stats.durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
          resolve(stats);
        }, fail);
      } else if (p.type === PacketType.ERR) {
        fail(new Error(`file sync of "${ctxName}": error from receiver: ${p.data?.toString() ?? ''}`));
      }
    });
    walkStats(send, dir, opts, files, stats).catch((e: Error) => {
      stream.write({ type: PacketType.ERR, data: Buffer.from(e.message) });
      fail(e);
    });
  });
}

/** fsutil's fileCanRequestData: no Go os.ModeType bit set (setuid/setgid/sticky are not type bits). */
export function isRegular(goMode: number): boolean {
  const modeType = GoMode.dir + GoMode.symlink + GoMode.namedPipe + GoMode.socket + GoMode.device + GoMode.charDevice + (1 << 19);
  return ((goMode & modeType) >>> 0) === 0;
}

async function walkStats(send: Send, dir: string, opts: WalkOptions, files: Map<number, string>, stats: SyncStats): Promise<void> {
  let id = 0;
  for await (const entry of walkContext(dir, opts)) {
    if (isRegular(entry.stat.mode)) files.set(id, entry.abs);
    id++;
    stats.entries++;
    await send({ type: PacketType.STAT, stat: entry.stat });
  }
  await send({ type: PacketType.STAT }); // empty STAT = end of walk
}
