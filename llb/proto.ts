/**
 * Hands out the pb.* message types of proto/ops.proto that the encoder uses, from the JSON descriptor of proto/
 * (src/protobuf/protos.json, checked against the .proto text by src/protobuf/protos.test.ts): parsing ops.proto at
 * every start costs time on each run, and a bundled CLI has no proto/ beside it.
 */
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../src/protobuf/proto-root';

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
