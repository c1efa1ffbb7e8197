/** Loads proto/ops.proto once with protobufjs and hands out the pb.* message types the encoder uses. */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { InternalError } from '../src/errors';

/** proto/ sits at the repo root; from dist/llb it is two levels up, from llb/ one. */
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

/** keepCase keeps Go's field names (Platform.Architecture, CacheOpt.ID) exactly as on the wire. */
export function opsTypes(): OpsTypes {
  if (cached) return cached;
  const root = new protobuf.Root().loadSync(path.join(protoDir(), 'ops.proto'), { keepCase: true });
  root.resolveAll();
  cached = {
    root,
    Op: root.lookupType('pb.Op'),
    Definition: root.lookupType('pb.Definition'),
    OpMetadata: root.lookupType('pb.OpMetadata'),
  };
  return cached;
}
