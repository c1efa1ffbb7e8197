/**
 * The process's one protobufjs Root of every file in proto/, built from the JSON descriptor protos.json
 * (written by scripts/protos-descriptor.ts, checked against the .proto text by protos.test.ts), with the
 * precompiled codecs of proto-codecs.ts. Only protobufjs and the descriptor: the LLB encoder and the
 * frontend bundle use it without grpc-js.
 */
import * as protobuf from 'protobufjs';
import { InternalError } from '../errors';
import { installPrecompiledCodecs } from './proto-codecs';
import protosJson from './protos.json';

/** imported (not read from disk) so tsc copies it to dist/ and a bundle inlines it */
export const PROTOS_DESCRIPTOR = protosJson as unknown as protobuf.INamespace;

let cachedRoot: protobuf.Root | undefined;

/**
 * A Root of `descriptor`'s types as protobufjs alone runs it (codecs generated on first use): what the
 * precompiled codecs are generated from and compared with.
 */
export function descriptorRoot(descriptor: protobuf.INamespace = PROTOS_DESCRIPTOR): protobuf.Root {
  // Root.fromJSON would also resolveAll(): every field of every file, ~9% of a no-op build's CPU. protobufjs
  // resolves a type's fields when it first encodes or decodes it; code that reads `resolvedType` itself
  // resolves what it reads (llb/proto.ts: the pb namespace).
  const root = new protobuf.Root();
  root.addJSON(descriptor.nested ?? {});
  return root;
}

/** A protobufjs Root of every file in proto/ (keepCase: field names as on the wire), for encoding and decoding. */
export function protoRoot(): protobuf.Root {
  if (!cachedRoot) {
    try {
      cachedRoot = installPrecompiledCodecs(descriptorRoot());
    } catch (e) {
      throw new InternalError('E_PROTO_LOAD', `cannot load src/protobuf/protos.json: ${(e as Error).message}`, { cause: e });
    }
  }
  return cachedRoot;
}
