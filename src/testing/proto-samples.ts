/**
 * Deterministic pseudo-random sample messages of any protobufjs message type, in the loose form fromObject
 * accepts (int64 as decimal strings, enums by name or number, bytes as buffers or base64): what
 * proto-codecs.test.ts feeds the precompiled and the run-time codecs to compare them.
 */
import * as protobuf from 'protobufjs';

type Rnd = () => number;

/** A small linear congruential generator: the same seed gives the same sample on every machine. */
function lcg(seed: number): Rnd {
  let s = (seed * 2654435761) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const STRINGS = ['', 'a', 'sha256:0f', 'Grüße ✓', 'x'.repeat(130), 'linux/amd64'];
const INT64 = ['0', '1', '-1', '9007199254740993', '-9223372036854775808', '9223372036854775807', '300'];
const UINT64 = ['0', '1', '9007199254740993', '18446744073709551615', '4294967296'];

function int32(rnd: Rnd): number {
  return pick(rnd, [0, 1, -1, 127, 128, 2147483647, -2147483648, Math.floor(rnd() * 2 ** 32) - 2 ** 31]);
}

function scalar(type: string, rnd: Rnd): unknown {
  switch (type) {
    case 'double':
      return pick(rnd, [0, -1.5, Math.PI, 1e300, rnd() * 1e9]);
    case 'float':
      return pick(rnd, [0, 1.5, -2.25, 1024, 3.5e10]);
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return int32(rnd);
    case 'uint32':
    case 'fixed32':
      return pick(rnd, [0, 1, 255, 4294967295, Math.floor(rnd() * 2 ** 32)]);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return rnd() < 0.8 ? pick(rnd, INT64) : int32(rnd);
    case 'uint64':
    case 'fixed64':
      return pick(rnd, UINT64);
    case 'bool':
      return rnd() < 0.5;
    case 'string':
      return pick(rnd, STRINGS);
    case 'bytes': {
      const b = Buffer.from(Array.from({ length: Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 256)));
      return rnd() < 0.7 ? b : b.toString('base64');
    }
    default:
      throw new Error(`no sample for scalar type ${type}`);
  }
}

function value(field: protobuf.Field, rnd: Rnd, depth: number): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) return depth >= 3 ? {} : message(t, rnd, depth + 1);
  if (t instanceof protobuf.Enum) {
    const names = Object.keys(t.values);
    const name = pick(rnd, names);
    return rnd() < 0.5 ? name : t.values[name];
  }
  return scalar(field.type, rnd);
}

function mapKey(keyType: string, rnd: Rnd): string {
  if (keyType === 'string') return pick(rnd, STRINGS.slice(1, 5)) + Math.floor(rnd() * 100);
  if (keyType === 'bool') return String(rnd() < 0.5);
  return String(keyType.startsWith('u') || keyType.startsWith('fixed') ? Math.floor(rnd() * 1000) : Math.floor(rnd() * 1000) - 500);
}

function fieldValue(field: protobuf.Field, rnd: Rnd, depth: number): unknown {
  const n = Math.floor(rnd() * 4);
  if (field.map) {
    const keyType = (field as unknown as protobuf.MapField).keyType;
    return Object.fromEntries(Array.from({ length: n }, () => [mapKey(keyType, rnd), value(field, rnd, depth)]));
  }
  if (field.repeated) return Array.from({ length: n }, () => value(field, rnd, depth));
  return value(field, rnd, depth);
}

function message(type: protobuf.Type, rnd: Rnd, depth: number): Record<string, unknown> {
  // a oneof (incl. proto3 `optional`) gets at most one member set
  const chosen = new Set<protobuf.Field>();
  for (const oneof of type.oneofsArray) {
    if (oneof.fieldsArray.length > 0 && rnd() < 0.8) chosen.add(pick(rnd, oneof.fieldsArray));
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.partOf ? !chosen.has(field) : rnd() < 0.25) continue;
    out[field.name] = fieldValue(field, rnd, depth);
  }
  return out;
}

/** A sample of `type` for `seed`; nested messages stop at depth 3 (types can be recursive). */
export function sampleMessage(type: protobuf.Type, seed: number): Record<string, unknown> {
  return message(type, lcg(seed), 0);
}
