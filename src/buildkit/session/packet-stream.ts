/**
 * The stream surface both fsutil directions use (grpc-js duplex calls and in-memory test pairs fit it),
 * and a write that respects backpressure.
 */
import type { Packet } from './wire';

export interface PacketStream {
  write(p: Packet): boolean;
  end(): void;
  /** 'data' gives a Packet, 'error' an Error; 'end', 'drain' and 'cancelled' (grpc-js) no argument. */
  on(ev: 'data' | 'end' | 'drain' | 'error' | 'close' | 'cancelled', fn: (arg: any) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type Send = (p: Packet) => Promise<void>;

/** A write that waits for 'drain' when the stream is full, with one 'drain' listener however many wait. */
export function sender(stream: PacketStream): Send {
  const waiters: (() => void)[] = [];
  stream.on('drain', () => waiters.splice(0).forEach((w) => w()));
  return async (p) => {
    if (!stream.write(p)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
}
