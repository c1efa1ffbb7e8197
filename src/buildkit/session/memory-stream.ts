/**
 * In-memory pairs of packet streams for tests: what one side writes the other receives, passed
 * through the real protobuf encoding so the codec is exercised too.
 */
import { EventEmitter } from 'events';
import type { PacketStream } from './file-sync';
import { decodePacket, encodePacket, type Packet } from './wire';

class MemoryEnd extends EventEmitter implements PacketStream {
  peer!: MemoryEnd;
  ended = false;
  readonly sent: Packet[] = [];

  write(p: Packet): boolean {
    if (this.ended) throw new Error('write after end');
    this.sent.push(p);
    const bytes = encodePacket(p);
    setImmediate(() => this.peer.emit('data', decodePacket(bytes)));
    return true;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    setImmediate(() => this.peer.emit('end'));
  }
}

/** Two connected ends; `sent` on each records what that end wrote. */
export function packetStreamPair(): [MemoryEnd, MemoryEnd] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
