/**
 * A local copy of the build context for the planner, which works on a directory: the tree (directories,
 * symlinks, every file at its real size) comes from ReadDir on the solved `context` local; file contents
 * come over ReadFile only for the files the planner reads. The rest are sparse placeholders.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { State, marshal } from '../../llb';
import { readIgnorePatterns } from '../../planner/project/ignore-files';
import type { FsStat, LlbBridge } from '../buildkit/gateway/bridge';
import { GrpcCallError } from '../buildkit/connection/h2-grpc';

/** Go os.FileMode type bits (fsutil Stat.mode). */
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
/** dir, symlink, device, named pipe, socket, char device, irregular: a regular file has none of them */
const GO_TYPE_MASK = GO_DIR + GO_SYMLINK + 2 ** 26 + 2 ** 25 + 2 ** 24 + 2 ** 21 + 2 ** 19;

/** Files the planner reads at the root whatever cog.yaml says, fetched up front to save round trips. */
const PREFETCH = /^(cog\.ya?ml|pyproject\.toml|uv\.lock|\.python-version|requirements[^/]*\.(txt|in)|poetry\.lock|environment\.ya?ml)$/;
const PREFETCH_MAX_BYTES = 8 << 20;
const READDIR_PARALLEL = 16;
const GRPC_NOT_FOUND = 5;

export interface ContextTreeOptions {
  contextKey: string;
  sessionId?: string;
}

export class ContextTree {
  /** project-relative paths whose content is not here yet (all zero bytes) */
  private readonly placeholders = new Set<string>();
  private ref = '';

  private constructor(
    private readonly bridge: LlbBridge,
    readonly dir: string,
    private readonly opts: ContextTreeOptions,
  ) {}

  /** Copies the context's tree (ignore files first, so ignored paths are never sent) into a fresh temp dir. */
  static async load(bridge: LlbBridge, opts: ContextTreeOptions): Promise<ContextTree> {
    const tree = new ContextTree(bridge, fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-context-')), opts);
    await tree.copyIgnoreFiles();
    tree.ref = await bridge.solve(tree.localDefinition('cogpack-scan', { exclude: readIgnorePatterns(tree.dir) }));
    await tree.copyTree();
    return tree;
  }

  private localDefinition(hint: string, filters: { include?: string[]; exclude?: string[] }): Uint8Array {
    const st = State.local(this.opts.contextKey, {
      sessionId: this.opts.sessionId,
      sharedKeyHint: hint,
      ...filters,
      name: `[cogpack] scan ${this.opts.contextKey}`,
    });
    return marshal(st).definition;
  }

  /**
   * Reads both ignore files straight away (no ReadDir first: one round trip less before the scan can start);
   * a name that is not there (or is a directory) is simply absent, as for the CLI.
   */
  private async copyIgnoreFiles(): Promise<void> {
    const names = ['.dockerignore', '.cogignore'];
    const ref = await this.bridge.solve(this.localDefinition('cogpack-ignore', { include: names }));
    await Promise.all(
      names.map(async (name) => {
        const data = await readIfPresent(this.bridge, ref, name);
        if (data) fs.writeFileSync(path.join(this.dir, name), data);
      }),
    );
  }

  private async copyTree(): Promise<void> {
    let level = [''];
    let prefetched: Promise<unknown> | undefined;
    while (level.length > 0) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += READDIR_PARALLEL) {
        const batch = level.slice(i, i + READDIR_PARALLEL);
        const listed = await Promise.all(batch.map((d) => this.bridge.readDir(this.ref, d || '/')));
        batch.forEach((d, j) => next.push(...this.materialise(d, listed[j])));
        // the root's project files are known once the root is listed: fetch them while deeper levels are listed
        prefetched ??= this.prefetchRootFiles();
      }
      level = next;
    }
    await prefetched;
  }

  private prefetchRootFiles(): Promise<unknown> {
    const size = (p: string) => fs.statSync(path.join(this.dir, p)).size;
    const top = [...this.placeholders].filter((p) => PREFETCH.test(p) && size(p) <= PREFETCH_MAX_BYTES);
    const all = Promise.all(top.map((p) => this.fetch(p)));
    all.catch(() => undefined); // awaited at the end of copyTree; a listing error must not leave it unhandled
    return all;
  }

  /** Creates one directory's entries; returns the sub-directories to list next. */
  private materialise(relDir: string, entries: FsStat[]): string[] {
    const dirs: string[] = [];
    for (const st of entries) {
      const rel = relDir ? `${relDir}/${path.posix.basename(st.path)}` : path.posix.basename(st.path);
      const abs = path.join(this.dir, rel);
      const mode = st.mode ?? 0;
      if (mode & GO_DIR) {
        fs.mkdirSync(abs, { recursive: true });
        dirs.push(rel);
      } else if (mode & GO_SYMLINK) {
        if (fs.existsSync(abs)) continue; // an ignore file read through its link, already copied with its content
        fs.symlinkSync(st.linkname ?? '', abs);
      } else if (isRegular(st)) {
        if (fs.existsSync(abs)) continue; // an ignore file already copied with its content
        fs.writeFileSync(abs, '');
        const size = Number(st.size ?? 0);
        if (size > 0) {
          fs.truncateSync(abs, size); // sparse: the walk sees the real size, no bytes are sent
          this.placeholders.add(rel);
        }
      }
    }
    return dirs;
  }

  /** Whether `rel` (or the file a symlink at `rel` resolves to) has no content yet; returns the path to fetch. */
  placeholderFor(rel: string): string | undefined {
    if (this.placeholders.has(rel)) return rel;
    try {
      const real = path
        .relative(fs.realpathSync(this.dir), fs.realpathSync(path.join(this.dir, rel)))
        .split(path.sep)
        .join('/');
      return this.placeholders.has(real) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  /** Replaces a placeholder with the file's real content. */
  async fetch(rel: string): Promise<void> {
    if (!this.placeholders.has(rel)) return;
    fs.writeFileSync(path.join(this.dir, rel), await this.bridge.readFile(this.ref, rel));
    this.placeholders.delete(rel);
  }

  /** The entry file (-f) as the planner's project file, replacing the context's copy. */
  writeEntry(name: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, name), text);
    this.placeholders.delete(name);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A file's bytes, or undefined when `rel` is missing or a directory (BuildKit: not found / EISDIR). */
export async function readIfPresent(bridge: LlbBridge, ref: string, rel: string): Promise<Buffer | undefined> {
  try {
    return await bridge.readFile(ref, rel);
  } catch (e) {
    if (e instanceof GrpcCallError && (e.code === GRPC_NOT_FOUND || /no such file or directory|is a directory/.test(e.details))) return undefined;
    throw e;
  }
}

function isRegular(st: FsStat): boolean {
  return ((st.mode ?? 0) & GO_TYPE_MASK) === 0; // bitwise ops work mod 2^32, so bit 31 is kept
}
