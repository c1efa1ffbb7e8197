/**
 * Precompiled protobuf codecs: the constructor, encode, decode, fromObject and toObject functions that
 * protobufjs would generate for each message type of protos.json, written ahead of time by
 * scripts/protos-descriptor.ts into proto-codecs-generated.ts and installed on a Root instead of generated.
 *
 * Why: protobufjs builds those functions as source text on a type's first use and compiles them with
 * `new Function` (Type#setup), on every run; V8's code cache cannot keep such functions, so every build paid
 * the compile again. The text here is protobufjs's own generators' output (same generator, same bytes);
 * proto-codecs.test.ts checks the committed module is current and behaves like the run-time one.
 */
import * as protobuf from 'protobufjs/light';
import { version as protobufjsVersion } from 'protobufjs/package.json';
import { CODECS, GENERATED_BY } from './proto-codecs-generated';

/** One message type's functions: its constructor, and the codecs closed over what Type#setup hands them. */
export interface PrecompiledType {
  /** a new constructor function each call: protobufjs gives it the Root's type ($type, prototype defaults) */
  ctor: () => (this: object, properties?: object) => void;
  codecs: (Writer: unknown, Reader: unknown, types: unknown[], util: unknown) => Array<(...args: any[]) => any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The codec parts in the order `codecs` returns them. */
const PARTS = ['encode', 'decode', 'fromObject', 'toObject'] as const;

/** protobufjs's generators for the codec parts. */
function generators(type: protobuf.Type): Array<{ toString(): string }> {
  return [protobuf.encoder(type), protobuf.decoder(type), protobuf.converter.fromObject(type), protobuf.converter.toObject(type)];
}

/** Every message type under `ns`, depth first in declaration order. */
function messageTypes(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Type) out.push(obj);
    if (obj instanceof protobuf.Namespace) messageTypes(obj, out); // a Type is a Namespace too (nested types)
  }
  return out;
}

type Internals = protobuf.Type & { _ctor?: unknown; verify: protobuf.Type['verify'] };

/** protobufjs's `ctor` accessor: its getter generates a constructor, its setter installs one on the type. */
const CTOR = Object.getOwnPropertyDescriptor(protobuf.Type.prototype, 'ctor') as PropertyDescriptor;

/**
 * A type's `ctor` accessor that installs the precompiled constructor on first read. Resolving any field of
 * a type reads its ctor (to put defaults on the prototype), so this must be in place before first use and
 * cannot wait for setup.
 */
const PRECOMPILED_CTOR: PropertyDescriptor = {
  configurable: true,
  get(this: Internals) {
    if (!this._ctor) CTOR.set?.call(this, CODECS[this.fullName.slice(1)].ctor());
    return this._ctor;
  },
  set: CTOR.set,
};

/**
 * Type#setup for a type with precompiled functions: what protobufjs's setup does, with the functions
 * taken from CODECS instead of compiled from text. verify is generated on its first call (nothing in
 * cogpack verifies: fromObject checks its input itself), so the module does not carry it.
 */
function precompiledSetup(this: Internals): protobuf.Type {
  const types = this.fieldsArray.map((f) => f.resolve().resolvedType);
  const [encode, decode, fromObject, toObject] = CODECS[this.fullName.slice(1)].codecs(protobuf.Writer, protobuf.Reader, types, protobuf.util);
  Object.assign(this, { encode, decode, fromObject, toObject });
  this.verify = function lazyVerify(this: Internals, message: object, depth?: number) {
    this.verify = protobuf.verifier(this)({ types, util: protobuf.util }) as protobuf.Type['verify'];
    return (this.verify as (m: object, d?: number) => string | null)(message, depth);
  } as protobuf.Type['verify'];
  // as protobufjs's setup: well-known types (google.protobuf.Any) wrap the generated converters
  const wrapper = (protobuf.wrappers as Record<string, protobuf.IWrapper>)[this.fullName];
  if (wrapper) {
    const original = Object.create(this) as protobuf.Type;
    original.fromObject = this.fromObject;
    original.toObject = this.toObject;
    this.fromObject = (wrapper.fromObject as protobuf.WrapperFromObjectConverter).bind(original);
    this.toObject = (wrapper.toObject as protobuf.WrapperToObjectConverter).bind(original);
  }
  return this;
}

/**
 * Gives every type of `root` that has precompiled functions the ctor accessor and setup above (setup runs
 * on a type's first encode/decode/fromObject/toObject/verify); other types keep protobufjs's own. Valid for
 * any Root whose types are those of protos.json (the frontend's llbbridge.json subset is checked by a test).
 * Under another protobufjs than the one that wrote the module (an install that resolved a newer 7.x), the
 * generated code calls a runtime it was not made for: protobufjs then generates as before, slower but exact.
 */
export function installPrecompiledCodecs<R extends protobuf.Root>(root: R, runtime: string = protobufjsVersion): R {
  if (runtime !== GENERATED_BY) return root;
  for (const type of messageTypes(root)) {
    if (!Object.hasOwn(CODECS, type.fullName.slice(1))) continue;
    Object.defineProperty(type, 'ctor', PRECOMPILED_CTOR);
    type.setup = precompiledSetup as () => protobuf.Type;
  }
  return root;
}

/** The text of proto-codecs-generated.ts for the message types of `root` (scripts/protos-descriptor.ts writes it). */
export function codecsModuleText(root: protobuf.Root, version: string): string {
  const entries = messageTypes(root).map((type) => {
    for (const f of type.fieldsArray) f.resolve(); // as Type#setup does before generating
    const ctor = (protobuf.Type as unknown as { generateConstructor(t: protobuf.Type): object }).generateConstructor(type);
    const codecs = generators(type)
      .map((g) => `${g.toString()},\n`)
      .join('');
    return `  ${JSON.stringify(type.fullName.slice(1))}: {\n  ctor: () => ${ctor.toString()},\n  codecs: (Writer, Reader, types, util) => [\n${codecs}  ]},\n`;
  });
  return [
    '// @ts-nocheck -- GENERATED by scripts/protos-descriptor.ts from src/protobuf/protos.json; do not edit.',
    `// protobufjs ${version}'s own generators' output per message type: ctor, and ${PARTS.join(', ')} (see proto-codecs.ts).`,
    '/* eslint-disable */',
    "import type { PrecompiledType } from './proto-codecs';",
    '',
    `export const GENERATED_BY = ${JSON.stringify(version)};`,
    '',
    'export const CODECS: Record<string, PrecompiledType> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}
