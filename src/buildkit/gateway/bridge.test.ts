import * as protobuf from 'protobufjs/light';
import descriptor from './llbbridge.json';
import { LlbBridge } from './bridge';

const SolveRequest = protobuf.Root.fromJSON(descriptor as protobuf.INamespace).lookupType('moby.buildkit.v1.frontend.SolveRequest');

/** The SolveRequest a bridge sends, decoded; the answer is an empty SolveResponse. */
async function sent(bridge: (t: { unary(p: string, r: Uint8Array): Promise<Buffer> }) => LlbBridge): Promise<Record<string, unknown>> {
  let req: Uint8Array | undefined;
  await bridge({ unary: async (_p, r) => ((req = r), Buffer.alloc(0)) }).solve(new Uint8Array(0));
  return SolveRequest.toObject(SolveRequest.decode(req!)) as Record<string, unknown>;
}

describe('LlbBridge.solve', () => {
  it("names the build's cache imports in every solve (the daemon applies a gateway build's --cache-from only to solves that do)", async () => {
    const imports = [{ type: 'local', attrs: { src: '/cache' } }];
    expect((await sent((t) => new LlbBridge(t, imports))).CacheImports).toEqual([{ Type: 'local', Attrs: { src: '/cache' } }]);
    expect((await sent((t) => new LlbBridge(t))).CacheImports).toBeUndefined();
  });
});
