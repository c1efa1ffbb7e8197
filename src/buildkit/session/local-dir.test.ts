import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diskWriter } from './local-dir';
import { GoMode } from '../../fsutil/walk';
import { decodePacket, encodePacket, PacketType, type Stat } from './wire';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
/** A STAT as the daemon sends it, through the wire codec (names that are not UTF-8 go as bytes). */
const wireStat = (stat: Stat): Stat => decodePacket(encodePacket({ type: PacketType.STAT, stat })).stat!;

describe("the local exporter's receiving side", () => {
  let dest: string;
  beforeEach(() => (dest = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-local-dir-'))));
  afterEach(() => fs.rmSync(dest, { recursive: true, force: true }));

  it('writes names that are not UTF-8 (file, directory, symlink and its target, hard link) under their exact bytes', async () => {
    const w = diskWriter(dest);
    const stats: Stat[] = [
      { path: '', pathBytes: latin1('d\xff'), mode: GoMode.dir + 0o755 },
      { path: '', pathBytes: latin1('d\xff/caf\xe9.txt'), mode: 0o644, size: '6' },
      { path: '', pathBytes: latin1('link\xe9'), mode: GoMode.symlink + 0o777, linkname: '', linknameBytes: latin1('d\xff/caf\xe9.txt') },
      { path: '', pathBytes: latin1('hard\x80'), mode: 0o644, linkname: '', linknameBytes: latin1('d\xff/caf\xe9.txt') },
    ].map(wireStat);
    expect(stats[1].pathBytes).toEqual(latin1('d\xff/caf\xe9.txt'));
    const wants = await Promise.all(stats.map((s, i) => w.onStat(s, i)));
    expect(wants).toEqual([false, true, false, false]);
    await w.onData(1, Buffer.from('accent'));
    await w.onFileEnd(1);
    await w.finish();
    const names = (fs.readdirSync(dest, { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('latin1')).sort();
    expect(names).toEqual(['d\xff', 'hard\x80', 'link\xe9']);
    expect(fs.readFileSync(latin1(`${dest}/d\xff/caf\xe9.txt`), 'utf8')).toBe('accent');
    expect(fs.readlinkSync(latin1(`${dest}/link\xe9`), { encoding: 'buffer' })).toEqual(latin1('d\xff/caf\xe9.txt'));
    expect(fs.statSync(latin1(`${dest}/hard\x80`)).ino).toBe(fs.statSync(latin1(`${dest}/d\xff/caf\xe9.txt`)).ino);
  });

  it('still refuses a byte name that climbs out', () => {
    const w = diskWriter(dest);
    expect(() => w.onStat(wireStat({ path: '', pathBytes: latin1('../\xff'), mode: 0o644 }), 0)).toThrow(/refusing path .* outside the output directory/);
  });
});
