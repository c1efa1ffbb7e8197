/** Table-driven checks against the reference vectors in ../shared/pspf-vectors: reader values and writer bytes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fdSource } from './byte-source';
import { sha256 } from './bytes';
import { describePackage } from './inspect';
import { readPackage, readSlot } from './reader';
import { readTar } from './tar-reader';
import { verifyPackage } from './verify';
import { writePackage } from './writer';
import { VECTOR_DIR, copyInputs, vectorNames, vectorOptions } from './testing/vectors';

type Any = any;
const names = vectorNames();
const load = (n: string): { buf: Buffer; exp: Any } => ({
  buf: fs.readFileSync(path.join(VECTOR_DIR, `${n}.psp`)),
  exp: JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, `${n}.expected.json`), 'utf8')),
});

test('the vector set is present (CI keeps it at ../shared/pspf-vectors)', () => {
  expect(names).toEqual(['a1-raw-ephemeral', 'a2-three-slots-signed', 'a2-three-slots-signed-unaligned', 'a3-env-exec', 'a4-corrupt-slot']);
});

describe.each(names)('reader on %s', (name) => {
  const { buf, exp } = load(name);

  test('file, trailer, index fields by spec name', () => {
    expect(buf.length).toBe(exp.file_size);
    expect(sha256(buf).toString('hex')).toBe(exp.file_sha256);
    const d = describePackage(buf, readPackage(buf)) as Any;
    expect(d.trailer.offset).toBe(exp.trailer.offset);
    expect(d.trailer.index_offset).toBe(exp.trailer.index_offset);
    for (const [k, v] of Object.entries(exp.index)) expect([k, d.index[k]]).toEqual([k, v]);
  });

  test('slot descriptors', () => {
    const pkg = readPackage(buf);
    const d = describePackage(buf, pkg, pkg.metadata) as Any;
    expect(d.slots).toHaveLength(exp.slots.length);
    exp.slots.forEach((es: Any, i: number) => {
      for (const [k, v] of Object.entries(d.slots[i])) if (k in es) expect([i, k, v]).toEqual([i, k, es[k]]);
      expect(Object.keys(d.slots[i]).filter((k) => k in es).length).toBeGreaterThanOrEqual(25);
    });
  });

  test('metadata JSON and its gzip', () => {
    const pkg = readPackage(buf);
    expect(pkg.metadata).toEqual(exp.metadata);
    expect(pkg.metadataJson.length).toBe(exp.metadata_json.size);
    expect(sha256(pkg.metadataJson).toString('hex')).toBe(exp.metadata_json.sha256);
    const n = pkg.index.numbers;
    expect([n.metadata_offset, n.metadata_size]).toEqual([exp.metadata_gzip.offset, exp.metadata_gzip.size]);
  });

  test('verdicts (correct ones, not the reference CLI)', () => {
    const v = verifyPackage(buf, { signature: 'required' }).verdicts;
    expect(v).toMatchObject(exp.verdicts);
    expect(v.slot_operations_ok).toEqual(exp.slots.map(() => true));
  });

  test('decoded slots and tar members', () => {
    const pkg = readPackage(buf);
    exp.slots.forEach((es: Any, i: number) => {
      if (!exp.verdicts.slot_checksums_ok[i]) {
        expect(() => readSlot(buf, pkg, i)).toThrow(/checksum mismatch/);
        return;
      }
      const out = readSlot(buf, pkg, i);
      expect([out.length, sha256(out).toString('hex')]).toEqual([es.decoded_size, es.decoded_sha256]);
      if (!es.tar_members) return;
      const members = readTar(out).map((m) => ({
        name: m.name,
        type: m.type,
        mode: m.mode.toString(8).padStart(4, '0'),
        size: m.size,
        sha256: sha256(out.subarray(m.dataOffset, m.dataOffset + m.size)).toString('hex'),
      }));
      expect(members).toEqual(es.tar_members.map((t: Any) => ({ name: t.name, type: t.type, mode: t.mode, size: t.size, sha256: t.sha256 })));
    });
  });
});

describe.each(names)('writer on %s', (name) => {
  test('reproduces the file byte for byte', () => {
    const expected = fs.readFileSync(path.join(VECTOR_DIR, `${name}.psp`));
    const derive = path.join(VECTOR_DIR, 'inputs', name, 'derive.json');
    if (fs.existsSync(derive)) {
      const how = JSON.parse(fs.readFileSync(derive, 'utf8'));
      const base = vectorOptions(copyInputs(path.basename(how.derived_from, '.psp')))!;
      const out = writePackage(base);
      out[how.file_offset] ^= parseInt(how.xor, 16);
      expect(out.equals(expected)).toBe(true);
      return;
    }
    const dir = copyInputs(name);
    try {
      const out = writePackage(vectorOptions(dir)!);
      expect(out.length).toBe(expected.length);
      expect(out.equals(expected)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.each(names)('%s read through a file descriptor gives the same verdicts and description', (name) => {
  const file = path.join(VECTOR_DIR, `${name}.psp`);
  const buf = fs.readFileSync(file);
  const fd = fs.openSync(file, 'r');
  try {
    const src = fdSource(fd);
    expect(verifyPackage(src)).toEqual(verifyPackage(buf));
    const p = readPackage(src);
    expect(describePackage(src, p, p.metadata)).toEqual(describePackage(buf, readPackage(buf), p.metadata));
  } finally {
    fs.closeSync(fd);
  }
});
