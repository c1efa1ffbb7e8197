/** Unpacks a tar slot into a directory without ever writing outside it or through a symlink. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAll } from './byte-source';
import { PspfError } from './errors';
import { readTarSafe, safeMemberPath, type TarMember } from './tar-reader';

/** Bits an extracted file or directory may keep: never setuid, setgid, sticky or world-writable (as the launcher). */
export const SAFE_MODE_MASK = 0o775;

function refuse(msg: string): never {
  throw new PspfError('E_PSPF_TAR', `tar: ${msg}`);
}

/** Creates each missing parent of `rel` under root; an existing symlink or non-directory on the way is refused. */
function ensureParents(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  let cur = root;
  for (const p of parts) {
    cur = path.join(cur, p);
    const st = lstatOrNull(cur);
    if (!st) fs.mkdirSync(cur, { mode: 0o755 });
    else if (st.isSymbolicLink()) refuse(`"${rel}" would be written through the symlink "${path.relative(root, cur)}"`);
    else if (!st.isDirectory()) refuse(`"${rel}" needs "${path.relative(root, cur)}" to be a directory`);
  }
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** Removes whatever non-directory sits at `p` so the new entry is created, never followed. */
function clearSpot(p: string, rel: string): void {
  const st = lstatOrNull(p);
  if (!st) return;
  if (st.isDirectory()) refuse(`"${rel}" already exists as a directory`);
  fs.unlinkSync(p);
}

function extractMember(tar: Buffer, root: string, m: TarMember): void {
  const dest = path.join(root, m.name);
  ensureParents(root, m.name);
  const mode = m.mode & SAFE_MODE_MASK;
  if (m.type === 'dir') {
    const st = lstatOrNull(dest);
    if (st && !st.isDirectory()) refuse(`"${m.name}" exists and is not a directory`);
    if (!st) fs.mkdirSync(dest, { mode: 0o755 });
    fs.chmodSync(dest, mode | 0o700);
    return;
  }
  clearSpot(dest, m.name);
  if (m.type === 'symlink') return fs.symlinkSync(m.linkname, dest);
  if (m.type === 'hardlink') {
    const src = path.join(root, safeMemberPath(m.linkname));
    const st = lstatOrNull(src);
    if (!st || !st.isFile()) refuse(`hardlink "${m.name}" points to "${m.linkname}", which is not an extracted file`);
    return fs.linkSync(src, dest);
  }
  const fd = fs.openSync(dest, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, tar, m.dataOffset, m.size);
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks every member first (nothing is written if any is unsafe), then extracts them in order. */
export function extractTar(tar: Buffer, root: string): TarMember[] {
  const members = readTarSafe(tar);
  fs.mkdirSync(root, { recursive: true });
  const realRoot = fs.realpathSync(root);
  for (const m of members) extractMember(tar, realRoot, m);
  return members;
}
