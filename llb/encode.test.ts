import { decodeDefinition, decodeOp, encodeDefinition, encodeOp, sha256Digest } from './encode';
import type { PbOp } from './pb-types';

const alpine: PbOp = {
  source: { identifier: 'docker-image://docker.io/library/alpine:latest' },
  platform: { Architecture: 'amd64', OS: 'linux' },
  constraints: {},
};

describe('encodeOp', () => {
  it('matches the Go client digest for alpine on linux/amd64', () => {
    expect(sha256Digest(encodeOp(alpine))).toBe('sha256:665ba8b2cdc0cb0200e2a42a6b3c0f8f684089f4cd1b81494fbb9805879120f7');
  });

  it('matches the Go client digest for busybox with no platform', () => {
    const op: PbOp = { source: { identifier: 'docker-image://docker.io/library/busybox:latest' } };
    expect(sha256Digest(encodeOp(op))).toBe('sha256:74ecb5d790c33a213ba00f8f43d62947df1d4dea72f5ec13353a9b943f469f0f');
  });

  it('writes an empty constraints message as 5a 00', () => {
    expect(Buffer.from(encodeOp({ constraints: {} })).toString('hex')).toBe('5a00');
  });

  it('drops default values, so explicit zeros do not change the digest', () => {
    const withZeros: PbOp = { ...alpine, inputs: [], source: { identifier: alpine.source!.identifier, attrs: {} } };
    expect(sha256Digest(encodeOp(withZeros))).toBe(sha256Digest(encodeOp(alpine)));
    const input0 = encodeOp({ inputs: [{ digest: 'sha256:aa', index: 0 }] });
    expect(input0).toEqual(encodeOp({ inputs: [{ digest: 'sha256:aa' }] }));
  });

  it('keeps -1 (scratch, skip output) as a ten-byte varint like Go', () => {
    const bytes = encodeOp({ diff: { lower: { input: -1 }, upper: { input: 0 } } });
    expect(Buffer.from(bytes).toString('hex')).toBe('3a0f0a0b08ffffffffffffffffff011200');
  });

  it('sorts map keys whatever the insertion order', () => {
    const a = encodeOp({ source: { identifier: 'local://context', attrs: { 'local.session': 's', 'local.excludepatterns': '[]' } } });
    const b = encodeOp({ source: { identifier: 'local://context', attrs: { 'local.excludepatterns': '[]', 'local.session': 's' } } });
    expect(a).toEqual(b);
    const text = Buffer.from(a).toString('latin1');
    expect(text.indexOf('local.excludepatterns')).toBeLessThan(text.indexOf('local.session'));
  });

  it('refuses fields the proto does not declare', () => {
    expect(() => encodeOp({ bogus: 1 } as unknown as PbOp)).toThrow(/no field "bogus"/);
  });

  it('gives the same bytes on every run', () => {
    const op: PbOp = {
      inputs: [{ digest: 'sha256:1', index: 0 }],
      exec: {
        meta: { args: ['/bin/sh', '-c', 'true'], env: ['A=1'], cwd: '/', removeMountStubsRecursive: true },
        mounts: [
          { input: 0, dest: '/', output: 0 },
          { input: -1, dest: '/c', output: -1, mountType: 3, cacheOpt: { ID: 'x', sharing: 2 } },
        ],
      },
      platform: { Architecture: 'amd64', OS: 'linux' },
      constraints: {},
    };
    const first = Buffer.from(encodeOp(op)).toString('hex');
    for (let i = 0; i < 5; i++) expect(Buffer.from(encodeOp(structuredClone(op))).toString('hex')).toBe(first);
  });
});

describe('decode', () => {
  it('round-trips ops of every kind', () => {
    const ops: PbOp[] = [
      alpine,
      { inputs: [{ digest: 'sha256:1', index: 1 }], merge: { inputs: [{}, { input: 1 }] }, constraints: {} },
      { inputs: [{ digest: 'sha256:1' }, { digest: 'sha256:2' }], diff: { lower: {}, upper: { input: 1 } }, constraints: {} },
      {
        inputs: [{ digest: 'sha256:1' }],
        file: { actions: [{ input: 0, secondaryInput: -1, output: 0, mkfile: { path: '/a', mode: 420, data: Buffer.from('hi'), timestamp: -1 } }] },
        constraints: {},
      },
    ];
    for (const op of ops) {
      const bytes = encodeOp(op);
      expect(encodeOp(decodeOp(bytes))).toEqual(bytes);
    }
  });

  it('round-trips a Definition with metadata', () => {
    const op = encodeOp(alpine);
    const term = encodeOp({ inputs: [{ digest: sha256Digest(op) }] });
    const def = {
      def: [op, term],
      metadata: { [sha256Digest(op)]: { description: { 'llb.customname': 'x' } }, [sha256Digest(term)]: { caps: { platform: true, constraints: true } } },
    };
    const bytes = encodeDefinition(def);
    const back = decodeDefinition(bytes);
    expect(back.def.map((d) => Buffer.from(d))).toEqual([Buffer.from(op), Buffer.from(term)]);
    expect(encodeDefinition(back)).toEqual(bytes);
  });
});
