import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { protoType, serviceClient } from '../../protobuf/protos';
import { LlbBridge } from '../gateway/bridge';
import { CONTROL_SERVICE, ControlClient, decodeAs, encodeAs, methodTypes } from './control-client';
import { startFakeBuildkitd, type FakeDaemon } from './fake-daemon';
import { frameMessage, GRPC_STATUS, GrpcCallError, H2GrpcClient, MessageReader, unframeMessages } from './h2-grpc';

describe('gRPC framing', () => {
  it('prefixes a flag byte and a big-endian length, and splits messages back', () => {
    const f = frameMessage(Buffer.from('abc'));
    expect(f.toString('hex')).toBe('0000000003616263');
    expect(unframeMessages(Buffer.concat([f, frameMessage(Buffer.alloc(0))])).map((b) => b.toString())).toEqual(['abc', '']);
    expect(() => unframeMessages(f.subarray(0, 6))).toThrow(/truncated/);
  });

  it('reassembles messages split across chunks at any byte', () => {
    const wire = Buffer.concat([frameMessage(Buffer.from('hello')), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.alloc(70_000, 7))]);
    for (const step of [1, 3, 5, 4096]) {
      const reader = new MessageReader();
      const out: Buffer[] = [];
      for (let at = 0; at < wire.length; at += step) out.push(...reader.push(wire.subarray(at, at + step)));
      expect(out.map((m) => m.length)).toEqual([5, 0, 70_000]);
      expect(out[0].toString()).toBe('hello');
      expect(reader.pending).toBe(0);
    }
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
    expect(names).toEqual(
      expect.arrayContaining(['Ping', 'Solve', 'ReadFile', 'ReadDir', 'StatFile', 'ResolveImageConfig', 'Return', 'Inputs', 'Evaluate', 'Warn']),
    );
  });
});

describe('H2GrpcClient against a grpc-js server', () => {
  let server: grpc.Server;
  let sock: string;
  beforeAll(async () => {
    server = new grpc.Server();
    sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'h2grpc-')), 's.sock');
    server.addService(serviceClient('moby.buildkit.v1.frontend.LLBBridge').service, {
      ReadFile: (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
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

  it("can be destroyed at once on a socket that already holds the server's first bytes (connect, then fail)", async () => {
    const s = net.connect(sock);
    while (s.readableLength === 0) await new Promise((r) => setTimeout(r, 5)); // the server's SETTINGS, unread
    new H2GrpcClient(s).destroy();
    await new Promise((r) => setTimeout(r, 20)); // an uncaught TypeError from node:http2 would land here
  });

  it('fails every call with UNAVAILABLE when the connection is gone', async () => {
    const s = net.connect(sock);
    const bridge = new LlbBridge(new H2GrpcClient(s));
    await bridge.readFile('r', 'f');
    s.destroy();
    await expect(bridge.readFile('r', 'f')).rejects.toMatchObject({ code: 14 });
  });
});

describe('H2GrpcClient streaming, deadlines and cancellation (BuildKit Control on a grpc-js server)', () => {
  let fake: FakeDaemon;
  let cancelled: string[];
  let control: ControlClient;
  beforeAll(async () => {
    cancelled = [];
    const hang = (name: string) => (call: grpc.ServerUnaryCall<unknown, unknown>) => call.on('cancelled', () => cancelled.push(name));
    fake = await startFakeBuildkitd({
      Status: (call: grpc.ServerWritableStream<{ Ref: string }, unknown>) => {
        if (call.request.Ref === 'fail') {
          call.write({ vertexes: [{ digest: 'd0', name: 'before the failure' }] });
          setTimeout(() => call.emit('error', { code: grpc.status.NOT_FOUND, details: 'no job fail ✗' }), 10);
          return;
        }
        for (let i = 0; i < 3; i++) call.write({ vertexes: [{ digest: `d${i}`, name: `step ${i}`, started: { seconds: '1700000000', nanos: 5 } }] });
        call.end();
      },
      ListWorkers: hang('ListWorkers') as grpc.UntypedHandleCall,
      Solve: hang('Solve') as grpc.UntypedHandleCall,
      Session: (call: grpc.ServerDuplexStream<{ data: Buffer }, unknown>) => {
        const md = call.metadata.getMap();
        call.write({ data: Buffer.from(`${md['x-one']}|${call.metadata.get('x-many').join(',')}`) });
        call.on('data', (m: { data: Buffer }) => call.write({ data: Buffer.concat([Buffer.from('echo:'), m.data]) }));
        call.on('end', () => call.end());
      },
    });
    control = new ControlClient(new H2GrpcClient(net.connect(fake.socketPath)));
  });
  afterAll(async () => {
    control.close();
    await fake.close();
  });

  it('delivers a server stream message by message, int64 as strings, then ends', async () => {
    const seen: { name: string; started: unknown }[] = [];
    const call = control.stream<{ vertexes: { name: string; started: unknown }[] }>('Status', { Ref: 'r' }, (m) => seen.push(m.vertexes[0]));
    await call.done;
    expect(seen.map((v) => v.name)).toEqual(['step 0', 'step 1', 'step 2']);
    expect(seen[0].started).toEqual({ seconds: '1700000000', nanos: 5 });
  });

  it('reports a stream that fails after some messages with its status from the trailers', async () => {
    const seen: unknown[] = [];
    const err = await control.stream('Status', { Ref: 'fail' }, (m) => seen.push(m)).done.catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toBeInstanceOf(GrpcCallError);
    expect(err).toMatchObject({ code: grpc.status.NOT_FOUND, details: 'no job fail ✗', method: '/moby.buildkit.v1.Control/Status' });
  });

  it('ends a call at its deadline (DEADLINE_EXCEEDED) and the server sees it cancelled', async () => {
    const t = Date.now();
    await expect(control.call('ListWorkers', {}, { timeoutMs: 150 })).rejects.toMatchObject({ code: GRPC_STATUS.DEADLINE_EXCEEDED });
    expect(Date.now() - t).toBeLessThan(2_000);
    await waitFor(() => cancelled.includes('ListWorkers'));
  });

  it('cancels a call on abort (CANCELLED): the stream is reset and the server handler sees it', async () => {
    const ac = new AbortController();
    const solving = control.call('Solve', { Ref: 'x' }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(solving).rejects.toMatchObject({ code: GRPC_STATUS.CANCELLED });
    await waitFor(() => cancelled.includes('Solve'));
    // the connection itself is still good
    await expect(control.stream('Status', { Ref: 'r' }, () => undefined).done).resolves.toBeUndefined();
  });

  it('carries a bidirectional call with metadata (one header line per value) both ways', async () => {
    const got: string[] = [];
    const { req: In, res: Out } = methodTypes(CONTROL_SERVICE, 'Session');
    const call = control.bidi('Session', (b) => got.push(String(decodeAs<{ data: Buffer }>(Out, b).data)), {
      metadata: { 'x-one': '1', 'x-many': ['a', 'b'] },
    });
    call.write(encodeAs(In, { data: Buffer.from('ping') }));
    await waitFor(() => got.length === 2);
    call.end();
    await call.done;
    // grpc-js joins repeated header lines with ', ' (the next test shows they are separate lines on the wire)
    expect(got).toEqual(['1|a, b', 'echo:ping']);
  });

  it('names the HTTP status of an answer that is not gRPC (no grpc-status): UNAVAILABLE', async () => {
    const http2 = await import('node:http2');
    const server = http2.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('page not found'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new H2GrpcClient(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
    await expect(client.unary('/s/M', Buffer.alloc(0))).rejects.toMatchObject({ code: GRPC_STATUS.UNAVAILABLE, details: 'HTTP 404 without a grpc-status' });
    client.destroy();
    await new Promise((r) => server.close(r));
  });

  it("sends one header line per metadata value, as BuildKit reads the session's grpc-method list", async () => {
    const http2 = await import('node:http2');
    const server = http2.createServer();
    const raw = new Promise<string[]>((resolve) =>
      server.on('stream', (st: import('node:http2').ServerHttp2Stream, _h: unknown, _f: unknown, rawHeaders: string[]) => {
        st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
        st.end();
        resolve(rawHeaders);
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new H2GrpcClient(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
    await client.unary('/s/M', Buffer.alloc(0), { metadata: { 'X-Many': ['/a/B', '/c/D'] } });
    const lines = await raw;
    expect(lines.flatMap((v, i) => (i % 2 === 0 && v === 'x-many' ? [lines[i + 1]] : []))).toEqual(['/a/B', '/c/D']);
    client.destroy();
    await new Promise((r) => server.close(r));
  });
});

async function waitFor(ok: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
