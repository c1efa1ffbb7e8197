/**
 * A strict tar reader over a whole archive (the streaming walker in tar-walk.ts applied to one buffer), and the
 * launcher's path policy: members escaping the extraction root (absolute, `..`, links pointing out) are refused.
 */
import { TarWalker, tarFail, type TarMember } from './tar-walk';

export type { TarMember } from './tar-walk';

const MAX_PATH_LEN = 4096;

/** Lists every member; the archive must reach an end-of-archive block and every member must lie inside it. */
export function readTar(tar: Buffer): TarMember[] {
  const members: TarMember[] = [];
  const walker = new TarWalker((m) => members.push(m));
  walker.push(tar);
  walker.finish();
  return members;
}

/** The normalised relative path of a member, or a PspfError if it is absolute or climbs out of the root. */
export function safeMemberPath(name: string): string {
  const rel = relativeInside(name);
  if (rel === '') tarFail(`empty member path "${name}"`);
  return rel;
}

/** `a/./b//c` → `a/b/c`; '' for a path naming the root itself (`./`); refuses absolute, `..`, NUL, too long. */
function relativeInside(name: string): string {
  if (name.includes('\0')) tarFail('member name contains NUL');
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) tarFail(`absolute member path "${name}"`);
  if (Buffer.byteLength(name) > MAX_PATH_LEN) tarFail(`member path longer than ${MAX_PATH_LEN} bytes`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) tarFail(`member path "${name}" contains ".."`);
  return parts.join('/');
}

/**
 * Refuses links whose target can leave the root: absolute symlinks, `..` reaching above the link's directory,
 * or `..` after a named component (that name could itself be a symlink leading elsewhere), as the launcher does.
 */
export function checkLinkTarget(m: TarMember): void {
  if (m.type === 'hardlink') {
    safeMemberPath(m.linkname);
    return;
  }
  if (m.type !== 'symlink') return;
  const out = (): never => tarFail(`symlink "${m.name}" points outside the target ("${m.linkname}")`);
  if (m.linkname === '' || m.linkname.startsWith('/')) out();
  let depth = safeMemberPath(m.name).split('/').length - 1;
  let descended = false;
  for (const part of m.linkname.split('/')) {
    if (part === '..') {
      if (descended || --depth < 0) out();
    } else if (part !== '' && part !== '.') descended = true;
  }
}

/**
 * readTar plus the path policy on every member: what extraction will accept. A directory entry naming the
 * root itself (`./`) is dropped, as the launcher skips it.
 */
export function readTarSafe(tar: Buffer): TarMember[] {
  return readTar(tar).filter((m) => checkMember(m));
}

/** Applies the path policy to one member in place (name normalised); false for a root directory entry. */
export function checkMember(m: TarMember): boolean {
  if (m.type === 'dir') {
    const rel = relativeInside(m.name);
    if (rel === '') return false;
    m.name = rel;
    return true;
  }
  m.name = safeMemberPath(m.name);
  checkLinkTarget(m);
  if (m.type === 'hardlink') m.linkname = safeMemberPath(m.linkname);
  return true;
}
