import { decodeOp } from '../../llb';
import { protoType } from '../protobuf/protos';
import { gatewayAttestations, platformKey } from './gateway';
import type { AttestationDocument } from './index';

const docs: AttestationDocument[] = [
  { predicateType: 'https://slsa.dev/provenance/v1', fileName: 'provenance.json', predicate: Buffer.from('{"a":1}'), reason: 'provenance' },
  { predicateType: 'https://spdx.dev/Document', fileName: 'sbom.spdx.json', predicate: Buffer.from('{"spdxVersion":"SPDX-2.3"}'), reason: 'sbom' },
];

function fakeBridge() {
  const solved: Uint8Array[] = [];
  return { solved, solve: async (def: Uint8Array) => (solved.push(def), `ref-${solved.length}`) };
}

describe('gateway attestations', () => {
  it('one scratch ref holds every predicate; each attestation is in-toto with a Self subject under linux/amd64', async () => {
    const bridge = fakeBridge();
    const atts = await gatewayAttestations(bridge, docs, { platform: { os: 'linux', arch: 'amd64' } }, { inlineOnly: { provenance: true } });
    expect(Object.keys(atts)).toEqual(['linux/amd64']);
    expect(bridge.solved).toHaveLength(1);
    const D = protoType('pb.Definition');
    const def = D.toObject(D.decode(bridge.solved[0])) as { def: Uint8Array[] };
    const files = def.def
      .map((b) => decodeOp(b).file)
      .filter(Boolean)
      .flatMap((f) => f!.actions!.map((a) => a.mkfile));
    expect(files.map((f) => [f!.path, Buffer.from(f!.data!).toString()])).toEqual([
      ['/provenance.json', '{"a":1}'],
      ['/sbom.spdx.json', '{"spdxVersion":"SPDX-2.3"}'],
    ]);
    const [prov, sbom] = atts['linux/amd64'].attestation;
    expect(prov).toMatchObject({
      kind: 0,
      ref: { id: 'ref-1' },
      path: '/provenance.json',
      inTotoPredicateType: 'https://slsa.dev/provenance/v1',
      inTotoSubjects: [{ kind: 0 }],
    });
    expect(prov.metadata).toEqual({ reason: Buffer.from('provenance'), 'inline-only': Buffer.from('true') });
    expect(sbom.metadata).toEqual({ reason: Buffer.from('sbom') });
  });

  it('Return carries them as Result field 12, and they decode back', async () => {
    const atts = await gatewayAttestations(fakeBridge(), docs, { platform: { os: 'linux', arch: 'amd64' } });
    const R = protoType('moby.buildkit.v1.frontend.ReturnRequest');
    const bytes = R.encode(R.fromObject({ result: { ref: { id: 'x' }, metadata: {}, attestations: atts } })).finish();
    const back = R.toObject(R.decode(bytes), { enums: String, defaults: true }) as any;
    expect(back.result.attestations['linux/amd64'].attestation[1]).toMatchObject({
      kind: 'InToto',
      path: '/sbom.spdx.json',
      inTotoPredicateType: 'https://spdx.dev/Document',
      inTotoSubjects: [{ kind: 'Self' }],
    });
    // field 12 of Result, length-delimited: tag byte 0x62
    const Res = protoType('moby.buildkit.v1.frontend.Result');
    expect(Buffer.from(Res.encode(Res.fromObject({ attestations: atts })).finish())[0]).toBe(0x62);
  });

  it('no documents: no solve, no attestations', async () => {
    const bridge = fakeBridge();
    expect(await gatewayAttestations(bridge, [], { platform: { os: 'linux', arch: 'amd64' } })).toEqual({});
    expect(bridge.solved).toHaveLength(0);
  });

  it('file names must be plain and unique', async () => {
    await expect(gatewayAttestations(fakeBridge(), [docs[0], docs[0]], { platform: { os: 'linux', arch: 'amd64' } })).rejects.toThrow('unique');
    expect(platformKey({ platform: { os: 'linux', arch: 'amd64' } })).toBe('linux/amd64');
  });
});
