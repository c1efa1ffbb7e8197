/**
 * `cogpack build DIR --output type=psp,dest=FILE`: the image BuildKit builds from the plan is exported as a
 * filesystem, and its Python runtime, installed dependencies and app code become the three slots of a
 * signed .psp whose command runs the project's [project.scripts] entry point outside any container.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { CogpackError, UsageError } from '../errors';
import { loadProject, type Project } from '../../planner/project';
import { normalizeName } from '../../planner/project/requirements';
import { readProjectText } from '../../planner/project/fs-safe';
import { readFlagFile } from '../regular-file';
import { PspfError } from './errors';
import { InterruptedError } from '../buildkit/errors';
import { keepTemp, makeTempDir, removeTemp, trackTemp } from '../temp-paths';
import { keyFromFile } from './keys';
import { launcherBytes } from './launcher/build-launcher';
import type { TarEntry } from './tar-writer';
import { writePackage, type KeySpec, type SlotInput } from './writer';
import { checkOutputWritable, parseKeyValues } from '../buildkit/export/output-spec';
import { exportRootfsWithBuildkit } from './build-output-export';
import { LIB_DIR, LOADER, ROOT, collectApp, collectDependencies, collectRuntime, findPython, sortEntries } from './build-output-rootfs';

export interface PspOutput {
  dest: string;
  /** which [project.scripts] entry to run; default: tool.cogpack.cmd[0] or the only script */
  entry?: string;
}

/** Parses `type=psp,dest=FILE[,entry=NAME]`; undefined when the spec is another output type. */
export function parsePspOutput(spec: string): PspOutput | undefined {
  if (!spec.includes('=')) return undefined;
  const fields = parseKeyValues(spec, '--output');
  if (fields.type !== 'psp') return undefined;
  for (const k of Object.keys(fields)) {
    if (!['type', 'dest', 'entry'].includes(k))
      throw new UsageError('E_OUTPUT_SPEC', `unknown psp output option "${k}"`, { hint: 'type=psp,dest=FILE[,entry=NAME]' });
  }
  if (!fields.dest) throw new UsageError('E_OUTPUT_SPEC', 'a psp output needs dest=FILE', { hint: '--output type=psp,dest=app.psp' });
  return { dest: fields.dest, entry: fields.entry };
}

export interface EntryPoint {
  name: string;
  target: string; // "module:function"
}

export function chooseEntry(project: Project, wanted?: string): EntryPoint {
  const scripts = project.pyproject?.scripts ?? {};
  const names = Object.keys(scripts).sort();
  // the image's rule (blocks/export-config.ts appCmd): the only script, else the one named like the project
  const name = project.pyproject?.name;
  const named = names.filter((s) => name !== undefined && normalizeName(s) === normalizeName(name));
  const pick = wanted ?? project.pyproject?.tool.cmd?.[0] ?? (names.length === 1 ? names[0] : named.length === 1 ? named[0] : undefined);
  const file = project.pyproject?.file ?? 'pyproject.toml';
  if (pick && scripts[pick]) {
    // the name becomes a file name and part of the command line
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pick))
      throw new PspfError('E_PSPF_ENTRY_NAME', `[project.scripts] name "${pick}" cannot name a packaged entry point`, {
        file,
        hint: 'use letters, digits, ".", "_" and "-"',
      });
    return { name: pick, target: scripts[pick] };
  }
  if (names.length === 0)
    throw new PspfError('E_PSPF_NO_ENTRY', 'a psp package runs a [project.scripts] entry point, and the project has none', {
      file,
      hint: 'add [project.scripts] name = "module:function"',
    });
  throw new PspfError('E_PSPF_NO_ENTRY', pick ? `[project.scripts] has no entry "${pick}"` : `[project.scripts] has ${names.length} entries`, {
    file,
    hint: `choose one with --output type=psp,dest=FILE,entry=${names[0]}`,
  });
}

/** A small script (in the app slot) that imports the entry point from the extracted /src, like the image's launcher. */
export function entryScript(entry: EntryPoint): string {
  const [mod, fn] = entry.target.split(':');
  return [
    '# written by cogpack: runs [project.scripts] ' + entry.name + ' from the extracted package',
    'import os, sys',
    `sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ${JSON.stringify(ROOT)}, "src"))`,
    `from ${mod} import ${fn.split('.')[0]}`,
    `sys.exit(${fn}())`,
    '',
  ].join('\n');
}

export interface AssembleOptions {
  name: string;
  version: string;
  entry: EntryPoint;
  keys?: KeySpec;
  environment?: Record<string, string>;
  pythonVersion?: string;
  launcher?: Buffer;
  compressionLevel?: number;
}

const tarSlot = (id: string, entries: TarEntry[]): SlotInput => ({
  id,
  content: { kind: 'tree', entries },
  operations: 'tar.gz',
  purpose: 'code',
  lifecycle: 'runtime',
  target: '{workenv}',
});

/** Builds the package bytes from an exported image filesystem. */
export function assemblePsp(rootfs: string, o: AssembleOptions): Buffer {
  const py = findPython(rootfs, o.pythonVersion);
  const deps = collectDependencies(rootfs, py);
  const runtime = collectRuntime(rootfs, py, deps);
  const entryFile: TarEntry = { name: `entry/${o.entry.name}.py`, type: 'file', mode: 0o644, data: Buffer.from(entryScript(o.entry)) };
  const app = sortEntries([...collectApp(rootfs), entryFile]);
  const lib = `{workenv}/${ROOT}/${LIB_DIR}`;
  // The extracted tree's own loader runs the interpreter, so only its libraries are used and nothing leaks
  // to child processes the way LD_LIBRARY_PATH would. Python finds its prefix from argv[0].
  const command = `${lib}/${LOADER} --library-path ${lib} {workenv}/${ROOT}/${py.binary} -s {workenv}/entry/${o.entry.name}.py`;
  return writePackage({
    launcher: o.launcher ?? launcherBytes(),
    metadata: {
      package: { name: o.name, version: o.version },
      execution: { primary_slot: 0, command, env: o.environment ?? {} },
      runtime: { env: { unset: ['PYTHONHOME', 'PYTHONPATH', 'VIRTUAL_ENV', 'UV_PROJECT_ENVIRONMENT', 'UV_CACHE_DIR'] } },
    },
    slots: [tarSlot('runtime', runtime), tarSlot('dependencies', deps), tarSlot('app', app)],
    keys: o.keys,
    compressionLevel: o.compressionLevel,
    deflater: 'native', // byte identity with the reference's zlib is irrelevant here; node's zlib is ~5x faster
  });
}

function projectVersion(project: Project): string {
  if (!project.pyproject) return '0.0.0';
  const doc = parseToml(readProjectText(project.dir, project.pyproject.file, { file: project.pyproject.file }, project.pyproject.file)) as {
    project?: { version?: unknown };
  };
  return typeof doc.project?.version === 'string' ? doc.project.version : '0.0.0';
}

/** Writes the image filesystem BuildKit built for `dir` into `dest` (a BuildKit `local` export). */
export type RootfsExporter = (dir: string, dest: string, env: NodeJS.ProcessEnv) => Promise<void>;

export interface BuildPspOptions extends PspOutput {
  privateKey?: string; // PEM (PKCS#8) Ed25519 key file; default: an ephemeral key, as the reference does
  env?: NodeJS.ProcessEnv;
  /** default: BuildKit's local export of the plan's image (build-output-export.ts) */
  exportRootfs?: RootfsExporter;
  /** aborted on Ctrl-C: nothing is written after it, and the temporary rootfs is removed */
  signal?: AbortSignal;
}

export interface PspSummary {
  dest: string;
  bytes: number;
  entry: string;
}

export async function buildPsp(dir: string, o: BuildPspOptions): Promise<PspSummary> {
  const env = o.env ?? process.env;
  // a dest that cannot be written fails now (exit 73), not after the whole build and export
  checkOutputWritable({ type: 'psp', dest: o.dest });
  const keys: KeySpec | undefined = o.privateKey ? { key: keyFromFile(readKey(o.privateKey), o.privateKey) } : undefined;
  const project = loadProject(path.resolve(dir), env);
  const entry = chooseEntry(project, o.entry);
  const rootfs = makeTempDir('cogpack-psp-rootfs-');
  const interrupted = (): void => {
    if (o.signal?.aborted) throw new InterruptedError('build interrupted; nothing was written');
  };
  try {
    await (o.exportRootfs ?? exportRootfsWithBuildkit)(path.resolve(dir), rootfs, env);
    interrupted();
    const name = project.pyproject?.name ?? path.basename(path.resolve(dir));
    const bytes = assemblePsp(rootfs, { name, version: projectVersion(project), entry, keys, environment: project.environment });
    interrupted(); // a Ctrl-C during packing is handled once the (synchronous) packing returns
    writeExecutable(o.dest, bytes);
    return { dest: o.dest, bytes: bytes.length, entry: entry.name };
  } finally {
    removeTemp(rootfs);
  }
}

function readKey(file: string): Buffer {
  return readFlagFile(file, 'key', '--private-key');
}

function writeExecutable(dest: string, bytes: Buffer): void {
  const tmp = trackTemp(`${dest}.tmp-${process.pid}`);
  try {
    fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
    fs.writeFileSync(tmp, bytes, { mode: 0o755 });
    fs.renameSync(tmp, dest);
    keepTemp(tmp);
  } catch (e) {
    removeTemp(tmp);
    throw new CogpackError('output', 'E_OUTPUT_WRITE', `cannot write ${dest}: ${(e as Error).message}`);
  }
}

/**
 * The `cogpack build` hook: when one --output is type=psp, builds through `build` (the command's own build
 * with the given outputs, so every other flag applies) into a local export, packs it, and returns the summary;
 * returns undefined when no psp output was asked for.
 */
export async function runPspBuild(
  dir: string,
  flags: { output: string[]; privateKey?: string; signal?: AbortSignal },
  build: (outputs: string[]) => Promise<unknown>,
): Promise<PspSummary | undefined> {
  const psp = flags.output.map(parsePspOutput);
  const idx = psp.findIndex((p) => p !== undefined);
  if (idx < 0) return undefined;
  if (psp.filter(Boolean).length > 1) throw new UsageError('E_OUTPUT_SPEC', 'only one type=psp output per build');
  const rest = flags.output.filter((_, i) => i !== idx);
  return buildPsp(dir, {
    ...psp[idx]!,
    privateKey: flags.privateKey,
    signal: flags.signal,
    exportRootfs: async (_dir, dest) => void (await build([...rest, `type=local,dest=${dest}`])),
  });
}

export function describePsp(s: PspSummary): string {
  return `wrote ${s.dest} (${(s.bytes / 1e6).toFixed(1)} MB; runs [project.scripts] ${s.entry})`;
}
