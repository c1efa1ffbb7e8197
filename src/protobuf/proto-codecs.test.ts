import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { version } from 'protobufjs/package.json';
import bridgeDescriptor from '../buildkit/gateway/llbbridge.json';
import { codecsModuleText, installPrecompiledCodecs } from './proto-codecs';
import { CODECS } from './proto-codecs-generated';
import { sampleMessage } from '../testing/proto-samples';
import { descriptorRoot } from './proto-root';

function allTypes(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Type) out.push(obj);
    if (obj instanceof protobuf.Namespace) allTypes(obj, out);
  }
  return out;
}

/** What a sample value of `field` exercises (first match: a map of messages counts as a map). */
function fieldKind(field: protobuf.Field): string {
  if (field.map) return 'map';
  if (field.repeated) return 'repeated';
  if (field.partOf) return 'oneof';
  if (field.resolvedType instanceof protobuf.Type) return 'message';
  if (field.resolvedType instanceof protobuf.Enum) return 'enum';
  return field.type;
}

/** toObject options the code base decodes with (protos.ts, llb/encode.ts, bridge.ts, warm.ts) and one of everything. */
const CONVERSIONS: protobuf.IConversionOptions[] = [
  { longs: String, defaults: false, oneofs: true },
  { longs: Number, enums: Number, bytes: Buffer as unknown as StringConstructor },
  { longs: String, oneofs: true },
  {},
  { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true, oneofs: true, json: true },
];

describe('precompiled protobuf codecs', () => {
  it('proto-codecs-generated.ts is current for protos.json and this protobufjs (else: npx tsx scripts/protos-descriptor.ts)', () => {
    const committed = fs.readFileSync(path.join(__dirname, 'proto-codecs-generated.ts'), 'utf8');
    expect(committed === codecsModuleText(descriptorRoot(), version)).toBe(true);
  });

  it('covers every message type of protos.json', () => {
    const names = allTypes(descriptorRoot()).map((t) => t.fullName.slice(1));
    expect(names.length).toBeGreaterThan(100);
    expect(Object.keys(CODECS).sort()).toEqual([...names].sort());
  });

  it('generates no code at run time for any message type', () => {
    const root = installPrecompiledCodecs(descriptorRoot());
    const codegen = jest.spyOn(protobuf.util, 'codegen');
    try {
      for (const T of allTypes(root)) {
        const bytes = T.encode(T.fromObject(sampleMessage(T, 1))).finish();
        T.toObject(T.decode(bytes), { longs: String });
        T.create({});
      }
      expect(codegen).not.toHaveBeenCalled();
    } finally {
      codegen.mockRestore();
    }
  });

  it('leaves generation to protobufjs under another protobufjs version than the one that wrote the module', () => {
    const root = installPrecompiledCodecs(descriptorRoot(), '7.99.0');
    const codegen = jest.spyOn(protobuf.util, 'codegen');
    try {
      const T = root.lookupType('pb.Op');
      expect(Buffer.from(T.encode(T.fromObject({ inputs: [{ digest: 'sha256:a' }] })).finish()).toString('hex')).toBe('0a0a0a087368613235363a61');
      expect(codegen).toHaveBeenCalled();
    } finally {
      codegen.mockRestore();
    }
  });

  it('encodes, decodes and converts every message type exactly as protobufjs generating at run time does', () => {
    const ours = installPrecompiledCodecs(descriptorRoot());
    const theirs = descriptorRoot();
    const kinds = new Map<string, number>();
    for (const T of allTypes(theirs)) {
      const P = ours.lookupType(T.fullName);
      for (let seed = 1; seed <= 12; seed++) {
        const sample = sampleMessage(T, seed);
        for (const key of Object.keys(sample)) kinds.set(fieldKind(T.fields[key]), (kinds.get(fieldKind(T.fields[key])) ?? 0) + 1);
        const where = `${T.fullName} seed ${seed}`;
        const bytes = Buffer.from(T.encode(T.fromObject(sample)).finish());
        expect([where, Buffer.from(P.encode(P.fromObject(sample)).finish()).toString('hex')]).toEqual([where, bytes.toString('hex')]);
        // plain objects straight to encode, as llb/encode.ts does
        const plain = T.toObject(T.decode(bytes), { longs: String });
        expect([where, Buffer.from(P.encode(plain).finish()).toString('hex')]).toEqual([where, Buffer.from(T.encode(plain).finish()).toString('hex')]);
        const [a, b] = [T.decode(bytes), P.decode(bytes)];
        expect([where, b]).toEqual([where, a]);
        for (const opts of CONVERSIONS) expect([where, P.toObject(b, opts)]).toStrictEqual([where, T.toObject(a, opts)]);
        expect([where, P.verify(sample)]).toEqual([where, T.verify(sample)]);
        expect([where, P.verify(plain)]).toEqual([where, T.verify(plain)]);
      }
    }
    // the samples reach every kind of field protos.json has, many times over
    for (const kind of ['map', 'repeated', 'oneof', 'message', 'enum', 'int64', 'bytes', 'string', 'bool', 'int32', 'uint32']) {
      expect([kind, (kinds.get(kind) ?? 0) > 20]).toEqual([kind, true]);
    }
  });

  it('rejects bad input with the same errors', () => {
    const ours = installPrecompiledCodecs(descriptorRoot());
    const theirs = descriptorRoot();
    const cases: Array<[string, object]> = [
      ['pb.Op', { inputs: 'x' }],
      ['pb.Op', { exec: 3 }],
      ['moby.buildkit.v1.SolveRequest', { Exporters: {} }],
      ['moby.buildkit.v1.SolveRequest', { FrontendAttrs: 'x' }],
    ];
    for (const [name, bad] of cases) {
      const err = (T: protobuf.Type): string => {
        try {
          T.fromObject(bad);
          return 'no error';
        } catch (e) {
          return String(e);
        }
      };
      expect(err(ours.lookupType(name))).toBe(err(theirs.lookupType(name)));
    }
    const truncated = Buffer.from('0a05', 'hex');
    expect(() => ours.lookupType('pb.Op').decode(truncated)).toThrow(/index out of range/);
  });

  it("fits the frontend's LLBBridge descriptor: each of its types generates the same code as protos.json's", () => {
    const bridge = protobuf.Root.fromJSON(bridgeDescriptor as protobuf.INamespace);
    const full = descriptorRoot();
    const text = (T: protobuf.Type): string => {
      for (const f of T.fieldsArray) f.resolve();
      return [protobuf.encoder(T), protobuf.decoder(T), protobuf.converter.fromObject(T), protobuf.converter.toObject(T)].map(String).join('\n');
    };
    const types = allTypes(bridge);
    expect(types.length).toBeGreaterThan(10);
    for (const T of types) expect([T.fullName, text(T)]).toEqual([T.fullName, text(full.lookupType(T.fullName))]);
  });
});
