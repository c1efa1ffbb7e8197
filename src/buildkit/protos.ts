/**
 * The one loader of cogpack's .proto files (everything under proto/), cached for the process: the
 * gRPC package definition for clients and servers, and a protobufjs Root for raw encode/decode.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { InternalError } from '../errors';

/** The options every helper relies on (contracts.md): field names as on the wire, int64 as strings. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  defaults: false,
  oneofs: true,
} as const;

let cachedDefinition: protoLoader.PackageDefinition | undefined;
let cachedGrpc: grpc.GrpcObject | undefined;
let cachedRoot: protobuf.Root | undefined;

/** proto/ sits at the package root, which is two levels up from src/buildkit and three from dist/src/buildkit. */
export function protoDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new InternalError('E_PROTO_DIR', `cannot find the proto/ directory above ${__dirname}`);
}

/** Every .proto file under proto/, relative to it, sorted so the load order never depends on the file system. */
export function protoFiles(dir: string = protoDir()): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.proto')) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** The proto-loader package definition of all files (keys are fully qualified names). */
export function loadProtoDefinition(): protoLoader.PackageDefinition {
  if (!cachedDefinition) {
    const dir = protoDir();
    try {
      cachedDefinition = protoLoader.loadSync(protoFiles(dir), { ...PROTO_LOADER_OPTIONS, includeDirs: [dir] });
    } catch (e) {
      throw new InternalError('E_PROTO_LOAD', `cannot load proto/: ${(e as Error).message}`, { cause: e });
    }
  }
  return cachedDefinition;
}

/** The grpc object tree of all files, e.g. `loadProtos().moby.buildkit.v1.Control` is a client constructor. */
export function loadProtos(): ProtoTree {
  if (!cachedGrpc) cachedGrpc = grpc.loadPackageDefinition(loadProtoDefinition());
  return cachedGrpc as ProtoTree;
}

/** A protobufjs Root of the same files, for encoding and decoding messages outside gRPC calls. */
export function protoRoot(): protobuf.Root {
  if (!cachedRoot) {
    const dir = protoDir();
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
    try {
      cachedRoot = root.loadSync(protoFiles(dir).map((f) => path.join(dir, f)), { keepCase: true });
      cachedRoot.resolveAll();
    } catch (e) {
      throw new InternalError('E_PROTO_LOAD', `cannot load proto/: ${(e as Error).message}`, { cause: e });
    }
  }
  return cachedRoot;
}

/** A message type by its full name, e.g. `moby.buildkit.v1.StatusResponse`. */
export function protoType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}

/** A service constructor by its full name, e.g. `moby.buildkit.v1.Control`. */
export function serviceClient(fullName: string): grpc.ServiceClientConstructor {
  let node: unknown = loadProtos();
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function') throw new InternalError('E_PROTO_SERVICE', `no service ${fullName} in proto/`);
  return node as grpc.ServiceClientConstructor;
}

/** Loose typing: the tree is as deep as the proto packages. */
export type ProtoTree = grpc.GrpcObject & { [pkg: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
