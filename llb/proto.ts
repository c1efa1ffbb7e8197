/**
 * Hands out the pb.* message types of proto/ops.proto that the encoder uses, from the JSON descriptor of proto/
 * (src/protobuf/protos.json, checked against the .proto text by src/protobuf/protos.test.ts): parsing ops.proto at
 * every start cost ~20 ms, and a bundled CLI has no proto/ beside it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as protobuf from 'protobufjs';
import { InternalError } from '../src/errors';
import { protoRoot } from '../src/protobuf/proto-root';

/** proto/ sits at the repo root; from dist/llb it is two levels up, from llb/ one (tests read the .proto text). */
export function protoDir(): string {
  const candidates = [path.resolve(__dirname, '..', 'proto'), path.resolve(__dirname, '..', '..', 'proto')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'ops.proto')));
  if (!found) throw new InternalError('E_PROTO_MISSING', `proto/ops.proto not found near ${__dirname}`);
  return found;
}

export interface OpsTypes {
  root: protobuf.Root;
  Op: protobuf.Type;
  Definition: protobuf.Type;
  OpMetadata: protobuf.Type;
}

let cached: OpsTypes | undefined;

/** The descriptor keeps Go's field names (Platform.Architecture, CacheOpt.ID) exactly as on the wire (keepCase). */
export function opsTypes(): OpsTypes {
  if (cached) return cached;
  const root = protoRoot();
  // encode.ts walks field.resolvedType to normalise nested messages: resolve the pb.* types up front
  (root.lookup('pb') as protobuf.Namespace | null)?.resolveAll();
  cached = {
    root,
    Op: root.lookupType('pb.Op'),
    Definition: root.lookupType('pb.Definition'),
    OpMetadata: root.lookupType('pb.OpMetadata'),
  };
  return cached;
}
