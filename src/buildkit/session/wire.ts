/**
 * Session wire codecs: fsutil Packets and BytesMessages, and grpc-js service definitions for the
 * services the client serves on its session (built from proto/ through the one shared loader).
 */
import { isUtf8 } from 'node:buffer';
import type * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { grpcServiceDefinition, protoRoot } from '../../protobuf/protos';
import type { Stat } from '../../fsutil/stat';

export type { Stat } from '../../fsutil/stat';

/** fsutil.types.Packet.PacketType. */
export const PacketType = { STAT: 0, REQ: 1, DATA: 2, FIN: 3, ERR: 4 } as const;
export type PacketTypeValue = (typeof PacketType)[keyof typeof PacketType];

export interface Packet {
  type: PacketTypeValue;
  stat?: Stat;
  ID?: number;
  data?: Buffer;
}

const TO_OBJECT = { longs: String, defaults: false, oneofs: true } as const;

function type(name: string): protobuf.Type {
  return protoRoot().lookupType(name);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** DATA packets are the bulk of a transfer: encoded by hand (type=1, ID=3, data=4) to skip a copy. */
function encodeData(id: number, data: Buffer | undefined): Buffer {
  const head = [0x08, PacketType.DATA];
  if (id) head.push(0x18, ...varint(id));
  if (!data || data.length === 0) return Buffer.from(head);
  head.push(0x22, ...varint(data.length));
  return Buffer.concat([Buffer.from(head), data]);
}

/** A length-delimited field written by hand (tag, length, bytes). */
function bytesField(field: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(data.length)]), data]);
}

/**
 * A STAT whose path or link target is not UTF-8: protobufjs would write the (lossy) text, so those two fields
 * are written as raw bytes after the rest of the Stat (a decoder accepts fields in any order; Go's string
 * holds any bytes). The packet is then only its stat field: a STAT packet carries nothing else.
 */
function encodeRawStat(stat: Stat): Buffer {
  const { pathBytes, linknameBytes, ...rest } = stat;
  const S = type('fsutil.types.Stat');
  const plain: Partial<Stat> = { ...rest };
  if (pathBytes) delete plain.path;
  if (linknameBytes) delete plain.linkname;
  const head = Buffer.from(S.encode(S.fromObject(plain)).finish());
  const body = Buffer.concat([head, ...(pathBytes ? [bytesField(1, pathBytes)] : []), ...(linknameBytes ? [bytesField(7, linknameBytes)] : [])]);
  return bytesField(2, body);
}

export function encodePacket(p: Packet): Buffer {
  if (p.type === PacketType.DATA && !p.stat) return encodeData(p.ID ?? 0, p.data);
  if (p.type === PacketType.STAT && (p.stat?.pathBytes || p.stat?.linknameBytes) && p.ID === undefined && p.data === undefined) return encodeRawStat(p.stat);
  const T = type('fsutil.types.Packet');
  // proto3 leaves zero values off the wire; protobufjs would write an explicit `type: 0`.
  const { type: t, ...rest } = p;
  return Buffer.from(T.encode(T.fromObject(t === PacketType.STAT ? rest : p)).finish());
}

/** The length-delimited fields of one protobuf message: field number → the last value's bytes. */
function bytesFields(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let i = 0;
  const readVarint = (): number => {
    let v = 0;
    for (let shift = 1; i < buf.length; shift *= 128) {
      const b = buf[i++];
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
    }
    throw new Error('fsutil packet: truncated varint');
  };
  while (i < buf.length) {
    const tag = readVarint();
    const wire = tag % 8;
    if (wire === 0) readVarint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const n = readVarint();
      out.set(Math.floor(tag / 8), buf.subarray(i, i + n));
      i += n;
    } else throw new Error(`fsutil packet: unexpected wire type ${wire}`);
  }
  return out;
}

/**
 * A STAT whose path or link target is not UTF-8 decodes (as protobufjs strings) to U+FFFD: the raw bytes are
 * taken from the wire and kept in pathBytes / linknameBytes, so the receiver writes the name the sender had.
 */
function rawNames(buf: Buffer, stat: Stat): Stat {
  const raw = bytesFields(bytesFields(buf).get(2) ?? Buffer.alloc(0));
  const path = raw.get(1);
  const link = raw.get(7);
  const out = { ...stat };
  if (path && !isUtf8(path)) out.pathBytes = Buffer.from(path);
  if (link && !isUtf8(link)) out.linknameBytes = Buffer.from(link);
  return out;
}

export function decodePacket(buf: Buffer): Packet {
  const T = type('fsutil.types.Packet');
  const obj = T.toObject(T.decode(buf), TO_OBJECT) as Packet;
  const stat = obj.stat && (obj.stat.path?.includes('\uFFFD') || obj.stat.linkname?.includes('\uFFFD')) ? rawNames(buf, obj.stat) : obj.stat;
  return { ...obj, ...(stat ? { stat } : {}), type: (obj.type ?? PacketType.STAT) as PacketTypeValue };
}

export function encodeBytesMessage(data: Buffer): Buffer {
  const T = type('moby.filesync.v1.BytesMessage');
  return Buffer.from(T.encode({ data }).finish());
}

export function decodeBytesMessage(buf: Buffer): Buffer {
  const T = type('moby.filesync.v1.BytesMessage');
  const msg = T.decode(buf) as unknown as { data?: Uint8Array };
  return Buffer.from(msg.data ?? new Uint8Array(0));
}

/** A method whose messages are passed through as raw bytes (FileSend carries two message kinds). */
function rawMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  const id = (b: Buffer): Buffer => b;
  return {
    path,
    requestStream: true,
    responseStream: true,
    requestSerialize: id,
    requestDeserialize: id,
    responseSerialize: id,
    responseDeserialize: id,
  };
}

/** grpc-js service definition for `fullName`, codecs from proto/ (objects as proto-loader gives them). */
export function serviceDefinition(fullName: string): grpc.ServiceDefinition {
  return grpcServiceDefinition(fullName);
}

/** FileSync speaks Packets through this module's codec (so STAT = 0 stays off the wire, as in Go). */
export function fileSyncDefinition(): grpc.ServiceDefinition {
  const def = serviceDefinition('moby.filesync.v1.FileSync');
  for (const m of Object.values(def)) {
    Object.assign(m, {
      requestSerialize: encodePacket,
      requestDeserialize: decodePacket,
      responseSerialize: encodePacket,
      responseDeserialize: decodePacket,
    });
  }
  return def;
}

/** FileSend.DiffCopy is raw: BytesMessage or Packet depending on the exporter, decoded per call. */
export function fileSendDefinition(): grpc.ServiceDefinition {
  return { DiffCopy: rawMethod('/moby.filesync.v1.FileSend/DiffCopy') };
}

/** The full method paths a service exposes, for the X-Docker-Expose-Session-Grpc-Method headers. */
export function methodPaths(def: grpc.ServiceDefinition): string[] {
  return Object.values(def).map((m) => m.path);
}
