/** Signature policy (required / optional / off), trusted keys, and whole-package verdicts. */
import { createHash } from 'node:crypto';
import { fixChecksums } from './fuzz';
import { keyFromSeed } from './keys';
import { verifyPackage } from './verify';
import { bytesSlot, indexAt, pkg } from './testing/packages';

const slots = [bytesSlot('a', 'payload'), bytesSlot('b', 'more payload', 'gzip')];
const signed = pkg(slots);

function edit(buf: Buffer, f: (b: Buffer) => void): Buffer {
  const b = Buffer.from(buf);
  f(b);
  fixChecksums(b);
  return b;
}

const unsigned = edit(signed, (b) => b.fill(0, indexAt(b, 64), indexAt(b, 192)));
const badSignature = edit(signed, (b) => (b[indexAt(b, 130)] ^= 1));
/** Metadata changed (a different description) but the index keeps the original package's key and signature. */
const forged = edit(
  pkg(slots, { metadata: { package: { name: 'test', version: '1.0.0', description: 'evil' }, execution: { primary_slot: 0, command: '{workenv}/bin/app' } } }),
  (b) => signed.copy(b, indexAt(b, 64), indexAt(signed, 64), indexAt(signed, 192)),
);

test.each([
  ['signed', 'required', true, true],
  ['signed', 'optional', true, true],
  ['signed', 'off', null, true],
  ['unsigned', 'required', false, false],
  ['unsigned', 'optional', null, true],
  ['unsigned', 'off', null, true],
  ['bad signature', 'required', false, false],
  ['bad signature', 'optional', false, false],
  ['bad signature', 'off', null, true],
  ['forged metadata', 'required', false, false],
  ['forged metadata', 'optional', false, false],
] as const)('%s package, policy %s → signature_ok %s, valid %s', (name, policy, sigOk, valid) => {
  const buf = { signed, unsigned, 'bad signature': badSignature, 'forged metadata': forged }[name];
  const r = verifyPackage(buf, { signature: policy });
  expect(r.verdicts.signature_ok).toBe(sigOk);
  expect(r.verdicts.valid).toBe(valid);
  expect(r.verdicts.index_checksum_ok && r.verdicts.metadata_checksum_ok && r.verdicts.all_slot_checksums_ok).toBe(true);
});

test('a trusted key pins the signer', () => {
  expect(verifyPackage(signed, { trustedPublicKey: keyFromSeed('test').publicKeyRaw }).verdicts.valid).toBe(true);
  const r = verifyPackage(signed, { trustedPublicKey: keyFromSeed('someone-else').publicKeyRaw });
  expect(r.verdicts.valid).toBe(false);
  expect(r.problems.join()).toMatch(/not the trusted key/);
});

test('a corrupted slot fails verification whatever the signature policy (unlike the reference)', () => {
  const off = Number(signed.readBigUInt64LE(Number(signed.readBigUInt64LE(indexAt(signed, 40))) + 16));
  const b = Buffer.from(signed);
  b[off] ^= 1;
  for (const policy of ['required', 'optional', 'off'] as const) {
    const r = verifyPackage(b, { signature: policy });
    expect(r.verdicts.slot_checksums_ok).toEqual([false, true]);
    expect(r.verdicts.valid).toBe(false);
  }
});

test('a slot whose bytes and descriptor checksum were both replaced still fails: the signed metadata checksum differs', () => {
  const table = Number(signed.readBigUInt64LE(indexAt(signed, 40)));
  const off = Number(signed.readBigUInt64LE(table + 16));
  const b = edit(signed, (x) => {
    x[off] ^= 1;
    createHash('sha256')
      .update(x.subarray(off, off + 7))
      .digest()
      .copy(x, table + 48, 0, 8);
  });
  expect(verifyPackage(b).verdicts.slot_checksums_ok[0]).toBe(false);
});
