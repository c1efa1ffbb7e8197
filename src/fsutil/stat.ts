/** fsutil's file record, shared by the tree walk (src/fsutil/walk.ts) and the session's wire codecs. */

/** fsutil.types.Stat with int64 fields as decimal strings (modTime in ns exceeds 2^53). */
export interface Stat {
  path: string;
  mode: number;
  uid?: number;
  gid?: number;
  size?: string;
  modTime?: string;
  linkname?: string;
  devmajor?: string;
  devminor?: string;
  xattrs?: Record<string, Buffer>;
  /**
   * The exact bytes of `path` / `linkname` when they are not UTF-8 (Linux names may hold any byte but "/" and
   * NUL; a JS string cannot): sent in place of the text, so the file lands in the image under its own name.
   */
  pathBytes?: Buffer;
  linknameBytes?: Buffer;
}
