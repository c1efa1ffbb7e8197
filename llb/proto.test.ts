import * as path from 'path';
import * as protoLoader from '@grpc/proto-loader';
import { opsTypes } from './proto';
import { protoDir } from '../src/protobuf/proto-files';

describe('proto/ops.proto', () => {
  it('loads with @grpc/proto-loader using the project-wide options', () => {
    const def = protoLoader.loadSync(path.join(protoDir(), 'ops.proto'), {
      keepCase: true,
      longs: String,
      defaults: false,
      oneofs: true,
      includeDirs: [protoDir()],
    });
    for (const name of ['pb.Op', 'pb.Definition', 'pb.ExecOp', 'pb.FileOp', 'pb.MergeOp', 'pb.DiffOp', 'pb.SourceOp']) {
      expect(def[name]).toBeDefined();
    }
  });

  it('declares the wire field numbers of the reference tables', () => {
    const { root } = opsTypes();
    const num = (t: string, f: string) => root.lookupType(t).fields[f]?.id;
    expect(num('pb.Op', 'exec')).toBe(2);
    expect(num('pb.Op', 'diff')).toBe(7);
    expect(num('pb.Op', 'platform')).toBe(10);
    expect(num('pb.Op', 'constraints')).toBe(11);
    expect(num('pb.Platform', 'OSFeatures')).toBe(5);
    expect(num('pb.Meta', 'removeMountStubsRecursive')).toBe(11);
    expect(num('pb.Mount', 'cacheOpt')).toBe(20);
    expect(num('pb.Mount', 'secretOpt')).toBe(21);
    expect(num('pb.FileOp', 'actions')).toBe(2);
    expect(num('pb.FileAction', 'symlink')).toBe(8);
    expect(num('pb.FileActionCopy', 'timestamp')).toBe(11);
    expect(num('pb.OpMetadata', 'caps')).toBe(5);
    expect(num('pb.Definition', 'Source')).toBe(3);
    expect(root.lookupEnum('pb.CacheSharingOpt').values.LOCKED).toBe(2);
    expect(root.lookupEnum('pb.MountType').values.TMPFS).toBe(4);
  });

  it('round-trips an Op through protobufjs', () => {
    const { Op } = opsTypes();
    const msg = { inputs: [{ digest: 'sha256:ab', index: 1 }], diff: { lower: { input: 0 }, upper: { input: 1 } } };
    const back = Op.toObject(Op.decode(Op.encode(Op.fromObject(msg)).finish()), { longs: Number });
    expect(back).toEqual(msg);
  });
});
