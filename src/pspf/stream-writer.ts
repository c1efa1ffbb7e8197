/**
 * The file writer for big trees: each slot is streamed (tar → deflate → temp file, hashed on the way), then the
 * package is assembled on disk. Memory stays at a few chunks; the bytes equal writePackage's for the same options.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import pako from 'pako';
import { writeAll } from './byte-source';
import { PspfError } from './errors';
import { isGzip } from './gzip';
import { OP, assertSupported, parseOperations } from './operations';
import { planPackage, type SlotFacts } from './package-plan';
import type { SlotContent } from './slot-source';
import { regularFileChunks, sourceIsDirectory } from './source-file';
import { collectDir, tarChunks } from './tar-writer';
import { checkOptions, writePackage, type SlotInput, type WritePackageOptions } from './writer';

interface Staged extends SlotFacts {
  file: string; // where the stored bytes are: a temp file, or the source file itself when stored as is
}

function source(content: SlotContent, what: string): { chunks: Iterable<Buffer>; statSize: number; file?: string } {
  if (content.kind === 'bytes') return { chunks: [Buffer.from(content.data)], statSize: content.data.length };
  if (content.kind === 'tree') return { chunks: tarChunks(content.entries), statSize: 4096 };
  const st = sourceIsDirectory(content.path, what);
  if (st.isDirectory()) return { chunks: tarChunks(collectDir(content.path, { lazy: true })), statSize: st.size };
  return { chunks: regularFileChunks(content.path, what), statSize: st.size, file: content.path };
}

/** The first chunks (at least 3 bytes, to spot pre-gzipped input) and the rest of the stream. */
function peek(chunks: Iterable<Buffer>): { head: Buffer; all: Iterable<Buffer> } {
  const it = chunks[Symbol.iterator]();
  const first: Buffer[] = [];
  for (let have = 0; have < 3;) {
    const r = it.next();
    if (r.done) break;
    first.push(r.value);
    have += r.value.length;
  }
  const rest: Iterable<Buffer> = { [Symbol.iterator]: () => it };
  return {
    head: Buffer.concat(first),
    all: (function* () {
      yield* first;
      yield* rest;
    })(),
  };
}

class Sink {
  private fd: number;
  private hash = createHash('sha256');
  size = 0;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'wx', 0o600);
  }
  write(b: Uint8Array): void {
    writeAll(this.fd, b);
    this.hash.update(b);
    this.size += b.length;
  }
  close(): Buffer {
    fs.closeSync(this.fd);
    return this.hash.digest();
  }
}

/** gzip exactly as gzipSlot does (header, pako raw deflate, CRC-32, ISIZE), but chunk by chunk. */
function gzipInto(sink: Sink, all: Iterable<Buffer>, level: number, mtime: number): number {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, 0xff]);
  header.writeUInt32LE(mtime >>> 0, 4);
  sink.write(header);
  const deflate = new pako.Deflate({ level: level as pako.DeflateOptions['level'], raw: true });
  deflate.onData = (c: Uint8Array) => sink.write(c);
  let crc = 0;
  let length = 0;
  for (const c of all) {
    crc = zlib.crc32(c, crc);
    length += c.length;
    deflate.push(c, false);
  }
  deflate.push(new Uint8Array(0), true);
  if (deflate.err) throw new PspfError('E_PSPF_GZIP', `deflate failed: ${deflate.msg}`);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(crc >>> 0, 0);
  tail.writeUInt32LE(length % 2 ** 32, 4);
  sink.write(tail);
  return length;
}

function stage(s: SlotInput, i: number, level: number, mtime: number, tmp: string): Staged {
  const what = `slot "${s.id}"`;
  const ops = parseOperations(s.operations ?? 'raw');
  assertSupported(ops, what);
  const src = source(s.content, what);
  const { head, all } = peek(src.chunks);
  const gzip = ops.includes(OP.GZIP) && !isGzip(head);
  if (!gzip && src.file) {
    const hash = createHash('sha256');
    let size = 0;
    for (const c of all) {
      hash.update(c);
      size += c.length;
    }
    return { file: src.file, size, originalSize: size, ops, digest: hash.digest(), statSize: src.statSize };
  }
  const sink = new Sink(path.join(tmp, `slot-${i}`));
  let originalSize: number;
  if (gzip) originalSize = gzipInto(sink, all, level, mtime);
  else {
    for (const c of all) sink.write(c);
    originalSize = sink.size;
  }
  const digest = sink.close();
  return { file: sink.file, size: sink.size, originalSize, ops, digest, statSize: src.statSize };
}

/** Copies a staged slot into the package, re-hashing it: a source file edited meanwhile is caught here. */
function copyInto(fd: number, st: Staged): void {
  const hash = createHash('sha256');
  let size = 0;
  for (const c of regularFileChunks(st.file, 'staged slot')) {
    writeAll(fd, c);
    hash.update(c);
    size += c.length;
  }
  if (size !== st.size || !hash.digest().equals(st.digest)) throw new PspfError('E_PSPF_SOURCE', `${st.file} changed while it was being packed`);
}

/**
 * writePackage straight to `dest` (mode 0755, atomic rename; an existing file is refused unless `force`).
 * The `native` deflater has no streaming form here, so it goes through the in-memory writer.
 */
export function writePackageToFile(o: WritePackageOptions, dest: string, force = false): { size: number } {
  if (!force && fs.existsSync(dest)) throw new PspfError('E_PSPF_EXISTS', `${dest} already exists`, { hint: 'pass --force to overwrite it' });
  const out = `${dest}.tmp-${process.pid}`;
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  if (o.deflater === 'native') {
    const buf = writePackage(o);
    fs.writeFileSync(out, buf, { mode: 0o755 });
    fs.chmodSync(out, 0o755);
    fs.renameSync(out, dest);
    return { size: buf.length };
  }
  const level = checkOptions(o);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pspf-stage-'));
  try {
    const staged = o.slots.map((s, i) => stage(s, i, level, o.gzipMtime ?? 0, tmp));
    const plan = planPackage(o, staged);
    const fd = fs.openSync(out, 'w', 0o755);
    try {
      writeAll(fd, plan.head);
      let pos = plan.head.length;
      staged.forEach((st, i) => {
        if (plan.offsets[i] > pos) writeAll(fd, Buffer.alloc(plan.offsets[i] - pos));
        copyInto(fd, st);
        pos = plan.offsets[i] + st.size;
      });
      writeAll(fd, plan.trailer);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(out, 0o755);
    fs.renameSync(out, dest);
    return { size: plan.packageSize };
  } catch (e) {
    fs.rmSync(out, { force: true });
    throw e;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
