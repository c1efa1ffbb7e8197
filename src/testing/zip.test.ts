import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writeZip } from './zip';

/** Python's zipfile is an independent reader: if it accepts the archive, so will pip. */
function pythonReads(file: string): Record<string, string> {
  const code = `import zipfile,sys,json,hashlib
z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
print(json.dumps({i.filename: [i.compress_type, hashlib.sha256(z.read(i)).hexdigest(), i.date_time[0], i.external_attr>>16] for i in z.infolist()}))`;
  const res = spawnSync('python3', ['-c', code, file], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('writeZip', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-zip-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes deflated and stored entries that python zipfile reads back intact', () => {
    const text = Buffer.from('hello '.repeat(1000));
    const big = Buffer.alloc(3 << 20, 7);
    const file = path.join(dir, 'a.zip');
    writeZip(file, [
      { name: 'pkg/a.txt', content: text },
      { name: 'pkg/ünï.bin', content: { size: big.length, crc32: zlib.crc32(big), chunks: () => [big.subarray(0, 1000), big.subarray(1000)] } },
    ]);
    const read = pythonReads(file);
    expect(read['pkg/a.txt']).toEqual([8, sha(text), 1980, 0o100644]);
    expect(read['pkg/ünï.bin']).toEqual([0, sha(big), 1980, 0o100644]);
    expect(fs.statSync(file).size).toBeGreaterThan(big.length); // stored, not compressed
  });

  it('is byte-identical for the same entries', () => {
    const entries = [{ name: 'x', content: Buffer.from('same') }];
    writeZip(path.join(dir, '1.zip'), entries);
    writeZip(path.join(dir, '2.zip'), entries);
    expect(fs.readFileSync(path.join(dir, '1.zip')).equals(fs.readFileSync(path.join(dir, '2.zip')))).toBe(true);
  });
});
