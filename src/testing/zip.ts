/** A minimal deterministic zip writer (deflate or stored entries, fixed 1980 timestamps) for test wheels. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/** Content produced in chunks, for entries too large to hold in memory; `chunks()` must be repeatable. */
export interface StreamedContent {
  readonly size: number;
  readonly crc32: number;
  chunks(): Iterable<Buffer>;
}

export interface ZipEntry {
  readonly name: string;
  /** A Buffer is deflated; streamed content is stored as it is (it is meant to be incompressible). */
  readonly content: Buffer | StreamedContent;
}

const DOS_DATE_1980_01_01 = 0x0021;
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

interface Written {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function localHeader(w: Written): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4); // version needed
  b.writeUInt16LE(0x0800, 6); // names are UTF-8
  b.writeUInt16LE(w.method, 8);
  b.writeUInt16LE(0, 10); // time 00:00:00
  b.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  b.writeUInt32LE(w.crc, 14);
  b.writeUInt32LE(w.compressed, 18);
  b.writeUInt32LE(w.size, 22);
  b.writeUInt16LE(w.name.length, 26);
  return Buffer.concat([b, w.name]);
}

function centralHeader(w: Written): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, so the external attributes carry the mode
  b.writeUInt16LE(20, 6);
  b.writeUInt16LE(0x0800, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt16LE(0, 12);
  b.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  b.writeUInt32LE(w.crc, 16);
  b.writeUInt32LE(w.compressed, 20);
  b.writeUInt32LE(w.size, 24);
  b.writeUInt16LE(w.name.length, 28);
  b.writeUInt32LE(UNIX_FILE_0644, 38);
  b.writeUInt32LE(w.offset, 42);
  return Buffer.concat([b, w.name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}

/** Writes `entries` in the given order to `file`. Zip64 is not supported: keep archives under 4 GiB. */
export function writeZip(file: string, entries: readonly ZipEntry[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    let offset = 0;
    const put = (buf: Buffer): void => {
      fs.writeSync(fd, buf);
      offset += buf.length;
    };
    const written: Written[] = [];
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      if (Buffer.isBuffer(entry.content)) {
        const data = zlib.deflateRawSync(entry.content, { level: 9 });
        const w = { name, method: 8, crc: zlib.crc32(entry.content), compressed: data.length, size: entry.content.length, offset };
        put(localHeader(w));
        put(data);
        written.push(w);
      } else {
        const { size, crc32 } = entry.content;
        const w = { name, method: 0, crc: crc32, compressed: size, size, offset };
        put(localHeader(w));
        for (const chunk of entry.content.chunks()) put(chunk);
        written.push(w);
      }
      if (offset > 0xffffffff) throw new Error(`zip too large for a non-zip64 archive: ${file}`);
    }
    const cdStart = offset;
    for (const w of written) put(centralHeader(w));
    put(endOfCentralDirectory(written.length, offset - cdStart, cdStart));
  } finally {
    fs.closeSync(fd);
  }
}
