/**
 * Picks a Python runtime, its installed dependencies and the app code out of a built image's filesystem
 * (a BuildKit local export), as tar entries under `root/` that keep their image paths. Shared libraries
 * are copied under their soname into one directory, so the extracted tree's own dynamic loader can run
 * the interpreter with `--library-path` on any linux/amd64 host, whatever libraries the host has.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { PspfError } from './errors';
import { comparePaths, type TarEntry } from './tar-writer';
import { elfNeeded, isElf } from './build-output-elf';

export const ROOT = 'root';
export const LIB_DIR = 'usr/lib/x86_64-linux-gnu';
export const LOADER = 'ld-linux-x86-64.so.2';
const LIB_SEARCH = ['usr/local/lib', 'usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu', 'usr/lib', 'lib'];
/** dlopen'ed by glibc/Python without a DT_NEEDED entry (unwinding on thread exit, name service) */
const ALWAYS_LIBS = ['libgcc_s.so.1', 'libnss_files.so.2', 'libnss_dns.so.2', 'libresolv.so.2'];

/**
 * Image paths are byte strings here (one char per byte, latin1), so a name that is not UTF-8 keeps its bytes
 * from the exported filesystem into the tar (as nameBytes); ASCII paths read the same either way.
 */
const inRoot = (rootfs: string, rel: string): Buffer => Buffer.concat([Buffer.from(rootfs), Buffer.from('/'), Buffer.from(rel, 'latin1')]);
const readLink = (p: Buffer): string => fs.readlinkSync(p, { encoding: 'buffer' }).toString('latin1');

/** A tar name from a byte string: text when it is UTF-8, else also its exact bytes. */
function tarName(bytes: string): { name: string; nameBytes?: Buffer } {
  const b = Buffer.from(bytes, 'latin1');
  return isUtf8(b) ? { name: b.toString('utf8') } : { name: b.toString('utf8'), nameBytes: b };
}

export interface PythonInstall {
  version: string; // "3.11"
  prefix: string; // "usr" or "usr/local"
  binary: string; // "usr/bin/python3.11"
}

/** Follows symlinks inside the image, absolute targets taken relative to its root. */
export function resolveInRoot(rootfs: string, rel: string, hops = 0): string | undefined {
  if (hops > 40) return undefined;
  const parts = rel.split('/').filter((p) => p && p !== '.');
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i] === '..' ? path.posix.dirname(cur) : path.posix.join(cur, parts[i]);
    const st = fs.lstatSync(inRoot(rootfs, next), { throwIfNoEntry: false });
    if (!st) return undefined;
    if (st.isSymbolicLink()) {
      const link = readLink(inRoot(rootfs, next));
      const base = link.startsWith('/') ? link : path.posix.join(path.posix.dirname(next), link);
      return resolveInRoot(rootfs, [path.posix.normalize(base).replace(/^\/+/, ''), ...parts.slice(i + 1)].join('/'), hops + 1);
    }
    cur = next === '.' ? '' : next;
  }
  return cur;
}

export function findPython(rootfs: string, want?: string): PythonInstall {
  const found: PythonInstall[] = [];
  for (const prefix of ['usr/local', 'usr']) {
    const bin = path.join(rootfs, prefix, 'bin');
    for (const f of fs.existsSync(bin) ? fs.readdirSync(bin).sort() : []) {
      const m = /^python(3\.\d+)$/.exec(f);
      if (!m || (want && m[1] !== want)) continue;
      const st = fs.lstatSync(path.join(bin, f));
      if (st.isFile() && fs.existsSync(path.join(rootfs, prefix, 'lib', `python${m[1]}`, 'os.py')))
        found.push({ version: m[1], prefix, binary: `${prefix}/bin/${f}` });
    }
  }
  if (found.length === 0)
    throw new PspfError('E_PSPF_NO_PYTHON', `the built image has no python3.X interpreter with its standard library${want ? ` (wanted ${want})` : ''}`);
  return found[0];
}

/** A file entry read from disk only when the tar is written (big dependency trees never sit in memory twice). */
function fileEntry(rootfs: string, rel: string, name: string): TarEntry {
  const real = inRoot(rootfs, rel);
  const st = fs.statSync(real);
  return { ...tarName(name), type: 'file', mode: st.mode & 0o777, path: real, size: st.size };
}

/** ELF files among the entries (shared objects and the interpreter), read to find what they link against. */
function elfContents(entries: TarEntry[]): Buffer[] {
  return entries
    .filter((e) => e.type === 'file' && e.path && (/\.so(\.|$)/.test(e.name) || /\/bin\/python3\.\d+$/.test(e.name)))
    .map((e) => fs.readFileSync(e.path!))
    .filter(isElf);
}

/** Every file below `dir` (image-relative) as entries under root/; symlinks kept when they stay inside the tree. */
export function walkTree(rootfs: string, dir: string, skip: (rel: string) => boolean = () => false): TarEntry[] {
  const out: TarEntry[] = [];
  const visit = (rel: string): void => {
    const names = (fs.readdirSync(inRoot(rootfs, rel), { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('latin1'));
    for (const name of names.sort(byBytes)) {
      const child = `${rel}/${name}`;
      if (skip(child)) continue;
      const st = fs.lstatSync(inRoot(rootfs, child));
      if (st.isDirectory()) visit(child);
      else if (st.isFile()) out.push(fileEntry(rootfs, child, `${ROOT}/${child}`));
      else if (st.isSymbolicLink()) {
        const link = readLink(inRoot(rootfs, child));
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(child), link));
        if (!link.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(link.replace(/^(\.\.\/)+/, '')) && target.startsWith(`${dir}/`)) {
          const linkBytes = Buffer.from(link, 'latin1');
          out.push({
            ...tarName(`${ROOT}/${child}`),
            type: 'symlink',
            mode: 0o777,
            linkname: linkBytes.toString('utf8'),
            ...(isUtf8(linkBytes) ? {} : { linknameBytes: linkBytes }),
          });
        } else {
          const real = resolveInRoot(rootfs, child);
          if (real && fs.statSync(inRoot(rootfs, real)).isFile()) out.push(fileEntry(rootfs, real, `${ROOT}/${child}`));
        }
      }
    }
  };
  if (fs.existsSync(inRoot(rootfs, dir))) visit(dir);
  return out;
}

/** Byte order of byte strings (what sort() gave on the UTF-8 names for ASCII; stable for any bytes). */
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function findLib(rootfs: string, soname: string): string | undefined {
  for (const dir of LIB_SEARCH) {
    const real = resolveInRoot(rootfs, `${dir}/${soname}`);
    if (real && fs.statSync(path.join(rootfs, real)).isFile()) return real;
  }
  return undefined;
}

/** The transitive DT_NEEDED closure of the given ELF files, found in the image's library directories. */
export function libraryClosure(rootfs: string, elfs: Buffer[]): TarEntry[] {
  const seen = new Map<string, string>();
  const queue = [...elfs.flatMap(elfNeeded), ...ALWAYS_LIBS, LOADER];
  while (queue.length > 0) {
    const soname = queue.shift()!;
    if (seen.has(soname)) continue;
    const real = findLib(rootfs, soname);
    if (!real) continue; // e.g. resolved through an extension's own RPATH at run time
    seen.set(soname, real);
    queue.push(...elfNeeded(fs.readFileSync(path.join(rootfs, real))));
  }
  return [...seen].map(([soname, real]) => fileEntry(rootfs, real, `${ROOT}/${LIB_DIR}/${soname}`));
}

const sitePackages = (py: PythonInstall): string[] => [
  `usr/local/lib/python${py.version}/dist-packages`,
  `usr/local/lib/python${py.version}/site-packages`,
  ...(py.prefix === 'usr' ? [] : [`${py.prefix}/lib/python${py.version}/site-packages`]),
];

/** Installed third-party packages (pip/uv into the system interpreter). */
export function collectDependencies(rootfs: string, py: PythonInstall): TarEntry[] {
  return sortEntries([...new Set(sitePackages(py))].flatMap((d) => walkTree(rootfs, d)));
}

/** The interpreter, its standard library (without site-packages) and the shared libraries all of it needs. */
export function collectRuntime(rootfs: string, py: PythonInstall, deps: TarEntry[]): TarEntry[] {
  const stdlib = `${py.prefix}/lib/python${py.version}`;
  const skip = (rel: string): boolean => /\/(site|dist)-packages$/.test(rel);
  const files = [fileEntry(rootfs, py.binary, `${ROOT}/${py.binary}`), ...walkTree(rootfs, stdlib, skip)];
  const libs = libraryClosure(rootfs, elfContents([...files, ...deps]));
  const names = new Set(files.map((e) => e.name));
  return sortEntries([...files, ...libs.filter((e) => !names.has(e.name))]);
}

/** The project's code as the image has it (/src), minus Python caches. */
export function collectApp(rootfs: string, workdir = 'src'): TarEntry[] {
  return sortEntries(walkTree(rootfs, workdir, (rel) => rel.endsWith('/__pycache__')));
}

export function sortEntries(entries: TarEntry[]): TarEntry[] {
  return [...entries].sort((a, b) => comparePaths(a.name, b.name));
}
