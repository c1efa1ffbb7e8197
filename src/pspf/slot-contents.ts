/**
 * Decodes a slot the way the launcher extracts it, without writing anything: gzip inflated with its output
 * capped at the declared size (which it must then equal), tar headers walked, and every member or file placed
 * in a model of the extraction directory with the launcher's rules (no escaping paths, nothing written through
 * a symlink or over a directory). `verify` runs this for every slot; readSlot for the one it returns.
 */
import { asSource, type ByteSource } from './byte-source';
import type { SlotDescriptor } from './descriptor';
import { PspfError } from './errors';
import { inflateBounded } from './gzip';
import { gzipLimit, isGzipChain, isTarChain } from './slot-checks';
import { TarWalker, tarFail, type TarMember } from './tar-walk';
import { checkMember } from './tar-reader';

type Node = 'dir' | 'file' | 'link';

/** The extraction directory as the launcher would leave it, by relative path (the root is implicitly a dir). */
export class WorkenvModel {
  private readonly nodes = new Map<string, Node>();

  /** Every parent must be (or become) a plain directory: a symlink or a file on the way is refused. */
  private parents(rel: string): void {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      const n = this.nodes.get(p);
      if (n && n !== 'dir') tarFail(`"${rel}" would be written through "${p}", which is not a plain directory`);
      this.nodes.set(p, 'dir');
    }
  }

  private place(rel: string, node: Node): void {
    this.parents(rel);
    const have = this.nodes.get(rel);
    if (node === 'dir' ? have && have !== 'dir' : have === 'dir') tarFail(`"${rel}" would replace a ${have === 'dir' ? 'directory' : 'non-directory'}`);
    this.nodes.set(rel, node);
  }

  /** A tar member (its path policy checked first). */
  member(m: TarMember): void {
    if (!checkMember(m)) return;
    const linked = m.type === 'hardlink' ? this.nodes.get(m.linkname) : undefined;
    if (m.type === 'hardlink' && linked !== 'file' && linked !== 'link') {
      tarFail(`hardlink "${m.name}" points to "${m.linkname}", which is not an extracted file`);
    }
    this.place(m.name, m.type === 'dir' ? 'dir' : m.type === 'symlink' ? 'link' : 'file');
  }

  /** A non-tar slot written at its target. */
  file(rel: string): void {
    this.place(rel, 'file');
  }
}

/** A non-tar slot's path below the workenv: the target must start with `{workenv}` and stay inside it. */
export function fileTarget(target: string, i: number): string {
  if (!target.startsWith('{workenv}')) throw new PspfError('E_PSPF_TARGET', `slot ${i} target "${target}" is not inside {workenv}`);
  const rel = target.slice('{workenv}'.length);
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..') || rel.includes('\0') || Buffer.byteLength(rel) > 4096)
    throw new PspfError('E_PSPF_TARGET', `slot ${i} target "${target}" is not inside {workenv}`);
  if (parts.length === 0) throw new PspfError('E_PSPF_TARGET', `slot ${i} is a file but its target is the workenv root`);
  return parts.join('/');
}

function* chunks(src: ByteSource, d: SlotDescriptor): Generator<Buffer> {
  const STEP = 1 << 20;
  for (let done = 0; done < d.size; done += STEP) yield src.read(d.offset + done, Math.min(STEP, d.size - done));
}

/**
 * Decodes slot i (its checksum and descriptor already checked), feeding `model` when given; with `collect`,
 * returns the decoded bytes (tar chains: the tar). Throws a PspfError naming the first problem.
 */
export function decodeSlot(
  from: Buffer | ByteSource,
  d: SlotDescriptor,
  i: number,
  target: string,
  o: { model?: WorkenvModel; collect?: boolean; maxSize?: number } = {},
): Buffer | undefined {
  const src = asSource(from);
  const what = `slot ${i}`;
  const pieces: Uint8Array[] = [];
  const tar = isTarChain(d.operations);
  const walker = tar && o.model ? new TarWalker((m) => o.model!.member(m)) : undefined;
  if (!tar && o.model) o.model.file(fileTarget(target, i));
  const sink = (p: Uint8Array): void => {
    walker?.push(p);
    if (o.collect) pieces.push(p);
  };
  let produced: number;
  if (isGzipChain(d.operations)) {
    const declared = gzipLimit(d);
    const limit = Math.min(declared, o.maxSize ?? Number.MAX_SAFE_INTEGER);
    if (declared > limit) throw new PspfError('E_PSPF_DECLARED_SIZE', `${what} declares ${declared} bytes, more than the limit ${limit}`);
    produced = inflateBounded(chunks(src, d), limit, what, sink);
    if (d.original_size !== d.size && produced !== d.original_size) {
      throw new PspfError('E_PSPF_DECLARED_SIZE', `${what} decompresses to ${produced} bytes, not the declared ${d.original_size}`);
    }
  } else {
    for (const c of chunks(src, d)) sink(c);
    produced = d.size;
  }
  walker?.finish();
  return o.collect ? Buffer.concat(pieces, produced) : undefined;
}
