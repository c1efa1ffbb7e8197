/**
 * The one path from pb objects to bytes: strips proto3 default values, sorts map keys and lets protobufjs
 * write fields in field-number order, which is what gogo's marshaller (BuildKit ≤ v0.16) produces.
 */
import { createHash } from 'crypto';
import * as protobuf from 'protobufjs';
import { InternalError } from '../src/errors';
import { opsTypes } from './proto';
import type { PbDefinition, PbOp } from './pb-types';

/** JS objects put integer-like keys first whatever the insertion order, so sorted bytes cannot be promised for them. */
const INTEGER_KEY = /^(0|[1-9]\d{0,9})$/;

function isDefaultScalar(value: unknown): boolean {
  if (value === 0 || value === '' || value === false || value === '0') return true;
  return value instanceof Uint8Array && value.length === 0;
}

function sortedMap(field: protobuf.Field, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    if (INTEGER_KEY.test(key)) {
      throw new InternalError('E_LLB_MAP_KEY', `map key "${key}" in ${field.fullName} would not encode in sorted order`);
    }
    const v = value[key];
    out[key] = field.resolvedType instanceof protobuf.Type ? normalize(field.resolvedType, v as object) : v;
  }
  return out;
}

function normalizeField(field: protobuf.Field, value: unknown): unknown {
  if (field.map) {
    const entries = value as Record<string, unknown>;
    return Object.keys(entries).length === 0 ? undefined : sortedMap(field, entries);
  }
  const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  if (field.repeated) {
    const list = value as unknown[];
    if (list.length === 0) return undefined;
    return sub ? list.map((v) => normalize(sub, v as object)) : list;
  }
  // A set message field is kept even when empty: Go sets `constraints: {}` and it is part of the digest.
  if (sub) return normalize(sub, value as object);
  return isDefaultScalar(value) ? undefined : value;
}

/** A copy of `obj` without default values, with sorted maps, recursively; unknown keys are an internal error. */
export function normalize(type: protobuf.Type, obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || value === null) continue;
    const field = type.fields[key];
    if (!field) throw new InternalError('E_LLB_FIELD', `${type.fullName} has no field "${key}"`);
    const v = normalizeField(field, value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function encodeOp(op: PbOp): Uint8Array {
  const { Op } = opsTypes();
  return Op.encode(normalize(Op, op)).finish();
}

export function encodeDefinition(def: PbDefinition): Uint8Array {
  const { Definition } = opsTypes();
  return Definition.encode(normalize(Definition, def)).finish();
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, bytes: Buffer as unknown as StringConstructor };

export function decodeOp(bytes: Uint8Array): PbOp {
  const { Op } = opsTypes();
  return Op.toObject(Op.decode(bytes), TO_OBJECT) as PbOp;
}

export function decodeDefinition(bytes: Uint8Array): PbDefinition {
  const { Definition } = opsTypes();
  return Definition.toObject(Definition.decode(bytes), TO_OBJECT) as PbDefinition;
}
