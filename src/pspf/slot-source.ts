/** Turns a slot's input (a file, a directory or in-memory data) into the stored bytes its operation chain asks for. */
import { gzipSlot, isGzip, type Deflater } from './gzip';
import { OP, assertSupported, parseOperations } from './operations';
import { regularFileChunks, sourceIsDirectory } from './source-file';
import { collectDir, writeTar, type TarEntry } from './tar-writer';

export type SlotContent =
  | { kind: 'path'; path: string } // a file or a directory on disk
  | { kind: 'bytes'; data: Uint8Array } // file content
  | { kind: 'tree'; entries: TarEntry[] }; // a directory given in memory

export interface PreparedSlot {
  stored: Buffer;
  originalSize: number;
  ops: number[];
  /** The reference's metadata `size`: st_size of the source (4096 for a directory on ext4). */
  statSize: number;
}

function load(content: SlotContent, what: string): { data: Buffer; statSize: number } {
  if (content.kind === 'bytes') return { data: Buffer.from(content.data), statSize: content.data.length };
  if (content.kind === 'tree') return { data: writeTar(content.entries), statSize: 4096 };
  const st = sourceIsDirectory(content.path, what);
  if (st.isDirectory()) return { data: writeTar(collectDir(content.path)), statSize: st.size };
  return { data: Buffer.concat([...regularFileChunks(content.path, what)]), statSize: st.size };
}

/**
 * Applies the chain like the reference: directories are always tarred when loaded (so TAR itself is a no-op),
 * GZIP compresses unless the data is already gzip (then it is stored as is, still declared).
 */
export function prepareSlot(
  content: SlotContent,
  operations: string,
  level: number,
  mtime: number,
  what: string,
  deflater: Deflater = 'reference',
): PreparedSlot {
  const ops = parseOperations(operations);
  assertSupported(ops, what);
  const { data, statSize } = load(content, what);
  let stored = data;
  for (const op of ops) {
    if (op === OP.GZIP && !isGzip(stored)) stored = gzipSlot(stored, level, mtime, deflater);
  }
  return { stored, originalSize: data.length, ops, statSize };
}
