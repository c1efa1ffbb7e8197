/**
 * cogpack's protobuf types at run time, cached for the process: message types and grpc-js service
 * definitions and client constructors from the Root of proto-root.ts (the JSON descriptor of proto/),
 * and proto-loader's package definition of the same descriptor for tests and the fake daemon.
 * Parsing the .proto text at every start, and proto-loader's definition on top, cost far more than loading
 * the JSON descriptor, which also never requires @grpc/proto-loader on the build path.
 */
import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import type * as protobuf from 'protobufjs';
import { InternalError } from '../errors';
import { PROTOS_DESCRIPTOR as descriptor, protoRoot } from './proto-root';

export { protoDir, protoFiles } from './proto-files';
export { protoRoot } from './proto-root';

/** The options every helper relies on (contracts.md): field names as on the wire, int64 as strings. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  defaults: false,
  oneofs: true,
} as const;

/** protobufjs toObject options matching PROTO_LOADER_OPTIONS (proto-loader decodes with these). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, defaults: false, oneofs: true };

let cachedDefinition: protoLoader.PackageDefinition | undefined;
let cachedGrpc: grpc.GrpcObject | undefined;
const clients = new Map<string, grpc.ServiceClientConstructor>();

/** A message type by its full name, e.g. `moby.buildkit.v1.StatusResponse`. */
export function protoType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}

/** grpc-js service definition for `fullName`; messages are plain objects as proto-loader gives them. */
export function grpcServiceDefinition(fullName: string): grpc.ServiceDefinition {
  let service: protobuf.Service;
  try {
    service = protoRoot().lookupService(fullName);
  } catch {
    throw new InternalError('E_PROTO_SERVICE', `no service ${fullName} in proto/`);
  }
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const m of service.methodsArray) {
    m.resolve();
    const req = m.resolvedRequestType as protobuf.Type;
    const res = m.resolvedResponseType as protobuf.Type;
    def[m.name] = {
      path: `/${fullName}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: (o) => Buffer.from(req.encode(req.fromObject(o as object)).finish()),
      requestDeserialize: (b) => req.toObject(req.decode(b), TO_OBJECT),
      responseSerialize: (o) => Buffer.from(res.encode(res.fromObject(o as object)).finish()),
      responseDeserialize: (b) => res.toObject(res.decode(b), TO_OBJECT),
    };
  }
  return def;
}

/** A client constructor by the service's full name, e.g. `moby.buildkit.v1.Control`. */
export function serviceClient(fullName: string): grpc.ServiceClientConstructor {
  let ctor = clients.get(fullName);
  if (!ctor) {
    // required here, not at the top: a test that only encodes messages never loads grpc-js
    const { makeGenericClientConstructor } = require('@grpc/grpc-js') as typeof grpc; // eslint-disable-line @typescript-eslint/no-require-imports
    ctor = makeGenericClientConstructor(grpcServiceDefinition(fullName), fullName);
    clients.set(fullName, ctor);
  }
  return ctor;
}

/** proto-loader's package definition of the same descriptor (keys are fully qualified names); tests and fakes. */
export function loadProtoDefinition(): protoLoader.PackageDefinition {
  if (!cachedDefinition) {
    const loader = require('@grpc/proto-loader') as typeof protoLoader; // eslint-disable-line @typescript-eslint/no-require-imports
    cachedDefinition = loader.fromJSON(descriptor, PROTO_LOADER_OPTIONS);
  }
  return cachedDefinition;
}

/** The grpc object tree of all files, e.g. `loadProtos().moby.buildkit.v1.Control` is a client constructor. */
export function loadProtos(): ProtoTree {
  if (!cachedGrpc) {
    const { loadPackageDefinition } = require('@grpc/grpc-js') as typeof grpc; // eslint-disable-line @typescript-eslint/no-require-imports
    cachedGrpc = loadPackageDefinition(loadProtoDefinition());
  }
  return cachedGrpc as ProtoTree;
}

/** Loose typing: the tree is as deep as the proto packages. */
export type ProtoTree = grpc.GrpcObject & { [pkg: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
