/**
 * Compares two file records of a context and says what changed: the files by name where both records list
 * them, else the directory (or the whole context) with its file count. Records cut at different depths are
 * compared at the coarser one, recomputing directory digests from the finer side's entries.
 */
import { compareBytes } from '../../src/fsutil/walk';
import { countOf, dirValue, newDir, valueString, type DirNode, type FilesRecord } from './files';

/** File names listed in one reason before `…`. */
const MAX_NAMES = 5;

type Kid = DirNode | string;

function treeOf(m: Record<string, string>): DirNode {
  const root = newDir();
  for (const [key, value] of Object.entries(m)) {
    const parts = key.replace(/\/$/, '').split('/');
    const leaf = key.endsWith('/') ? `${parts.pop()}/` : parts.pop()!;
    let node = root;
    for (const dir of parts) {
      let next = node.kids.get(`${dir}/`);
      if (!next || typeof next === 'string') node.kids.set(`${dir}/`, (next = newDir()));
      node = next;
    }
    node.kids.set(leaf, value);
  }
  return root;
}

const asValue = (k: Kid): string => (typeof k === 'string' ? k : valueString(dirValue(k)));

interface Changes {
  /** file-level events: `path`, `path (new)`, `path (deleted)`, `dir/ (3 files, new)` */
  files: string[];
  /** how many files those events cover */
  count: number;
  /** directory-level reasons */
  dirs: string[];
}

const plural = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;

/** Records a whole entry that is only on one side. */
function wholeEntry(path: string, kid: Kid, what: 'new' | 'deleted', out: Changes): void {
  const n = path.endsWith('/') ? countOf(asValue(kid)) : 1;
  out.files.push(path.endsWith('/') ? `${path} (${plural(n)}, ${what})` : `${path} (${what})`);
  out.count += n;
}

function compare(prefix: string, a: Kid, b: Kid, out: Changes): void {
  if (typeof a !== 'string' && typeof b !== 'string') {
    const keys = [...new Set([...a.kids.keys(), ...b.kids.keys()])].sort(compareBytes);
    for (const k of keys) {
      const [ka, kb] = [a.kids.get(k), b.kids.get(k)];
      const p = prefix + k;
      if (ka === undefined) wholeEntry(p, kb!, 'new', out);
      else if (kb === undefined) wholeEntry(p, ka, 'deleted', out);
      else compare(p, ka, kb, out);
    }
    return;
  }
  const [va, vb] = [asValue(a), asValue(b)];
  if (va === vb) return;
  if (!prefix.endsWith('/')) {
    out.files.push(prefix);
    out.count += 1;
    return;
  }
  const [na, nb] = [countOf(va), countOf(vb)];
  out.dirs.push(`files under ${prefix} changed (${plural(nb)}${na === nb ? '' : `, was ${na}`})`);
}

function names(list: string[]): string {
  return list.length > MAX_NAMES ? `${list.slice(0, MAX_NAMES).join(', ')}, …` : list.join(', ');
}

/** Reasons for a changed context (empty when its files are the same). */
export function fileReasons(old: FilesRecord, now: FilesRecord): string[] {
  if (old.h === now.h) return [];
  if (!old.m || !now.m) return [`files changed (${plural(now.n)}${old.n === now.n ? '' : `, was ${old.n}`})`];
  const out: Changes = { files: [], count: 0, dirs: [] };
  compare('', treeOf(old.m), treeOf(now.m), out);
  const reasons = out.files.length > 0 ? [`${plural(out.count)} changed: ${names(out.files)}`] : [];
  return [...reasons, ...out.dirs];
}
