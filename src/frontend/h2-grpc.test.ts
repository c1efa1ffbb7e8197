import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { protoType, serviceClient } from '../buildkit/protos';
import { LlbBridge } from './bridge';
import { frameMessage, GrpcCallError, H2GrpcClient, unframeMessages } from './h2-grpc';

describe('gRPC framing', () => {
  it('prefixes a flag byte and a big-endian length, and splits messages back', () => {
    const f = frameMessage(Buffer.from('abc'));
    expect(f.toString('hex')).toBe('0000000003616263');
    expect(unframeMessages(Buffer.concat([f, frameMessage(Buffer.alloc(0))])).map((b) => b.toString())).toEqual(['abc', '']);
    expect(() => unframeMessages(f.subarray(0, 6))).toThrow(/truncated/);
  });
});

describe('gateway.proto on the wire', () => {
  it('encodes ReturnRequest{result{ref{id}, metadata}, error} with upstream field numbers', () => {
    const T = protoType('moby.buildkit.v1.frontend.ReturnRequest');
    const hex = Buffer.from(T.encode(T.fromObject({ result: { ref: { id: 'x' } }, error: { code: 2, message: 'm' } })).finish()).toString('hex');
    // 1 result (0a) → 3 ref (1a) → 1 id (0a "x"); 2 error (12) → 1 code (08 02), 2 message (12 "m")
    expect(hex).toBe('0a051a030a0178' + '1205080212016d');
  });

  it('declares the LLBBridge RPCs the frontend calls', () => {
    const names = Object.keys(serviceClient('moby.buildkit.v1.frontend.LLBBridge').service);
    expect(names).toEqual(expect.arrayContaining(['Ping', 'Solve', 'ReadFile', 'ReadDir', 'StatFile', 'ResolveImageConfig', 'Return', 'Inputs', 'Evaluate', 'Warn']));
  });
});

describe('H2GrpcClient against a grpc-js server', () => {
  let server: grpc.Server;
  let sock: string;
  beforeAll(async () => {
    server = new grpc.Server();
    sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'h2grpc-')), 's.sock');
    server.addService(serviceClient('moby.buildkit.v1.frontend.LLBBridge').service, {
      ReadFile: (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (call.request.FilePath === 'missing') cb({ code: grpc.status.NOT_FOUND, details: 'open missing: no such file ✗' } as grpc.ServiceError);
        else cb(null, { Data: Buffer.alloc(Number(call.request.Range?.Length ?? 3), 'z') });
      },
    });
    await new Promise<void>((res, rej) => server.bindAsync(`unix:${sock}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  });
  afterAll(() => new Promise<void>((res) => server.tryShutdown(() => res())));

  it('makes concurrent unary calls on one connection, large replies included', async () => {
    const bridge = new LlbBridge(new H2GrpcClient(net.connect(sock)));
    const [a, b] = await Promise.all([bridge.readFile('r', 'f', { offset: 0, length: 5 }), bridge.readFile('r', 'f', { offset: 0, length: 3 << 20 })]);
    expect(a.toString()).toBe('zzzzz');
    expect(b.length).toBe(3 << 20);
  });

  it('turns grpc-status into GrpcCallError with the decoded message', async () => {
    const bridge = new LlbBridge(new H2GrpcClient(net.connect(sock)));
    const err = await bridge.readFile('r', 'missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcCallError);
    expect(err).toMatchObject({ code: grpc.status.NOT_FOUND, details: 'open missing: no such file ✗' });
  });

  it('fails every call with UNAVAILABLE when the connection is gone', async () => {
    const s = net.connect(sock);
    const bridge = new LlbBridge(new H2GrpcClient(s));
    await bridge.readFile('r', 'f');
    s.destroy();
    await expect(bridge.readFile('r', 'f')).rejects.toMatchObject({ code: 14 });
  });
});
