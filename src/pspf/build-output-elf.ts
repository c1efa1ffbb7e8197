/** Reads the DT_NEEDED names of an ELF64 little-endian file, to find the shared libraries a runtime needs. */

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export function isElf(buf: Buffer): boolean {
  return buf.length >= 64 && buf.readUInt32BE(0) === 0x7f454c46 && buf[4] === 2 && buf[5] === 1;
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

function segments(buf: Buffer): Segment[] {
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const size = buf.readUInt16LE(0x36);
  const count = buf.readUInt16LE(0x38);
  const out: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const at = phoff + i * size;
    if (at + 56 > buf.length) break;
    out.push({
      type: buf.readUInt32LE(at),
      offset: Number(buf.readBigUInt64LE(at + 8)),
      vaddr: Number(buf.readBigUInt64LE(at + 16)),
      filesz: Number(buf.readBigUInt64LE(at + 32)),
    });
  }
  return out;
}

function fileOffset(segs: Segment[], vaddr: number): number | undefined {
  const seg = segs.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
  return seg ? seg.offset + (vaddr - seg.vaddr) : undefined;
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('utf8', at, end < 0 ? buf.length : end);
}

/** The DT_NEEDED sonames, in order; [] for a static or non-ELF file. Malformed input never throws past here. */
export function elfNeeded(buf: Buffer): string[] {
  if (!isElf(buf)) return [];
  try {
    const segs = segments(buf);
    const dyn = segs.find((s) => s.type === PT_DYNAMIC);
    if (!dyn) return [];
    const needed: bigint[] = [];
    let strtab: number | undefined;
    for (let at = dyn.offset; at + 16 <= Math.min(buf.length, dyn.offset + dyn.filesz); at += 16) {
      const tag = buf.readBigInt64LE(at);
      const val = buf.readBigUInt64LE(at + 8);
      if (tag === 0n) break;
      if (tag === DT_NEEDED) needed.push(val);
      if (tag === DT_STRTAB) strtab = fileOffset(segs, Number(val));
    }
    if (strtab === undefined) return [];
    return needed.map((n) => cString(buf, strtab! + Number(n))).filter((s) => s.length > 0);
  } catch {
    return [];
  }
}
