import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as protoLoader from '@grpc/proto-loader';
import { descriptorJson } from './proto-files';
import { PROTO_LOADER_OPTIONS, grpcServiceDefinition, loadProtoDefinition, protoDir, protoFiles, protoType, serviceClient } from './protos';

describe('proto loader', () => {
  it('loads every .proto file in proto/ on its own', () => {
    const dir = protoDir();
    const files = protoFiles(dir);
    expect(files).toContain('control.proto');
    expect(files).toContain('ops.proto');
    for (const file of files) {
      expect(() => protoLoader.loadSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [dir] })).not.toThrow();
    }
  });

  it('protos.json is the descriptor of proto/ as it is now (else: npx tsx scripts/protos-descriptor.ts)', () => {
    const committed = fs.readFileSync(path.join(__dirname, 'protos.json'), 'utf8');
    expect(committed).toBe(descriptorJson());
  });

  it('serves the same methods, paths and stream kinds as proto-loader reads from the .proto text', () => {
    const dir = protoDir();
    const fromText = protoLoader.loadSync(protoFiles(dir), { ...PROTO_LOADER_OPTIONS, includeDirs: [dir] });
    for (const name of ['moby.buildkit.v1.Control', 'moby.filesync.v1.FileSync', 'moby.filesync.v1.Auth', 'grpc.health.v1.Health']) {
      const ours = grpcServiceDefinition(name);
      const theirs = fromText[name] as protoLoader.ServiceDefinition;
      const shape = (d: Record<string, { path: string; requestStream: boolean; responseStream: boolean }>) =>
        Object.entries(d).map(([k, m]) => [k, m.path, m.requestStream, m.responseStream]);
      expect(shape(ours)).toEqual(shape(theirs));
    }
  });

  it('decodes a ListWorkers reply exactly as proto-loader does (int64 as strings, no defaults)', () => {
    const dir = protoDir();
    const fromText = protoLoader.loadSync(protoFiles(dir), { ...PROTO_LOADER_OPTIONS, includeDirs: [dir] });
    const T = protoType('moby.buildkit.v1.ListWorkersResponse');
    const bytes = Buffer.from(T.encode(T.fromObject({ record: [{ ID: 'w', Labels: { a: 'b' }, GCPolicy: [{ keepBytes: '9007199254740993' }] }] })).finish());
    const ours = grpcServiceDefinition('moby.buildkit.v1.Control').ListWorkers.responseDeserialize(bytes);
    const theirs = (fromText['moby.buildkit.v1.Control'] as protoLoader.ServiceDefinition).ListWorkers.responseDeserialize(bytes);
    expect(ours).toEqual(theirs);
    expect(JSON.stringify(ours)).toContain('"9007199254740993"');
  });

  it('exposes the Control service with the RPCs the client calls', () => {
    const def = loadProtoDefinition();
    const control = def['moby.buildkit.v1.Control'] as protoLoader.ServiceDefinition;
    expect(Object.keys(control).sort()).toEqual(['DiskUsage', 'Info', 'ListWorkers', 'ListenBuildHistory', 'Prune', 'Session', 'Solve', 'Status'].sort());
    expect(control.Status.responseStream).toBe(true);
    expect(control.Session.requestStream && control.Session.responseStream).toBe(true);
    expect(typeof serviceClient('moby.buildkit.v1.Control')).toBe('function');
  });

  it('encodes SolveRequest fields on the wire numbers the daemon reads', () => {
    const T = protoType('moby.buildkit.v1.SolveRequest');
    const bytes = T.encode(T.fromObject({ Ref: 'r', Session: 's', Exporters: [{ Type: 'moby' }] })).finish();
    // 1 Ref (tag 0x0a), 5 Session (0x2a), 13 Exporters (0x6a) holding 1 Type (0x0a)
    expect(Buffer.from(bytes).toString('hex')).toBe('0a0172' + '2a0173' + '6a060a046d6f6279');
  });

  it('decodes a StatusResponse with vertices and logs', () => {
    const T = protoType('moby.buildkit.v1.StatusResponse');
    const msg = { vertexes: [{ digest: 'sha256:a', name: 'RUN x', cached: true }], logs: [{ vertex: 'sha256:a', stream: 1, msg: Buffer.from('hi') }] };
    const back = T.toObject(T.decode(T.encode(T.fromObject(msg)).finish()), { longs: String }) as any;
    expect(back.vertexes[0]).toEqual({ digest: 'sha256:a', name: 'RUN x', cached: true });
    expect(Buffer.from(back.logs[0].msg).toString()).toBe('hi');
  });

  it('lists files in a stable, sorted order including sub-directories', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protos-'));
    fs.mkdirSync(path.join(dir, 'google/rpc'), { recursive: true });
    for (const f of ['b.proto', 'a.proto', 'google/rpc/status.proto', 'notes.txt']) fs.writeFileSync(path.join(dir, f), '');
    expect(protoFiles(dir)).toEqual(['a.proto', 'b.proto', 'google/rpc/status.proto']);
    fs.rmSync(dir, { recursive: true });
  });
});
