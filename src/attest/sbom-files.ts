/**
 * The SBOM's non-package contents: model weight files (path, size, sha256) and CUDA/cuDNN versions, read
 * from the built layers through the bridge. A weight file's digest is hashed from the project's own copy
 * when the caller has one (the CLI), so gigabytes are not read back through the gateway.
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs';
import * as path from 'node:path';
import type { PlanData } from '../../planner/plan-schema';
import { openDigestCache, type DigestCache } from '../../planner/inputs/digest-cache';
import type { DebPackage } from './sbom-dpkg';
import { isDir, isRegular, readDir, readText, type Fs } from './sbom-read';
import { BASE_LAYER, type LayerId, type SbomInventory } from './sbom-spdx';

/** Reads through the gateway in pieces below gRPC's default 4 MiB message limit. */
const CHUNK = 2 * 1024 * 1024;

export type LocalFile = (imagePath: string) => string | undefined;

/** Stages that put weights into the image (they provide `weights:…`). */
export function weightStages(plan: PlanData): string[] {
  return plan.export_phases
    .flatMap((p) => p.stages)
    .filter((s) => s.provides.some((p) => p.startsWith('weights:')))
    .map((s) => s.id);
}

/** Every regular file under `dir` of a layer, recursively, in byte order. */
async function walk(fs: Fs, dir: string, out: { path: string; size: number }[]): Promise<void> {
  const entries = (await readDir(fs, dir)).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (const e of entries) {
    const at = `${dir === '/' ? '' : dir}/${e.path}`;
    if (isDir(e)) await walk(fs, at, out);
    else if (isRegular(e)) out.push({ path: at, size: Number(e.size ?? 0) });
  }
}

async function gatewaySha256(fs: Fs, file: string, size: number): Promise<string> {
  const h = createHash('sha256');
  for (let offset = 0; offset < size; offset += CHUNK) h.update(await fs.bridge.readFile(fs.ref, file, { offset, length: Math.min(CHUNK, size - offset) }));
  return h.digest('hex');
}

/** The local copy's sha256 when it is there with the layer's size; the digest cache spares rehashing big files. */
async function localSha256(file: string | undefined, size: number, cache: DigestCache): Promise<string | undefined> {
  if (!file) return undefined;
  const st = await fsp.promises.lstat(file, { bigint: true }).catch(() => undefined);
  if (!st?.isFile() || Number(st.size) !== size) return undefined;
  const key = `sha256\0${file}`; // the cache's other entries are the inputs record's short digests: another key space
  const known = cache.get(key, st);
  if (known) return known;
  const h = createHash('sha256');
  for await (const chunk of fsp.createReadStream(file)) h.update(chunk as Buffer);
  const digest = h.digest('hex');
  cache.set(key, st, digest);
  return digest;
}

export async function weightFiles(
  layers: { id: LayerId; fs: Fs }[],
  localFile: LocalFile | undefined,
  env: NodeJS.ProcessEnv,
): Promise<SbomInventory['files']> {
  const cache = openDigestCache(env);
  const out: SbomInventory['files'] = [];
  for (const { id, fs } of layers) {
    const files: { path: string; size: number }[] = [];
    await walk(fs, '/', files);
    for (const f of files) {
      const sha256 = (await localSha256(localFile?.(f.path), f.size, cache)) ?? (await gatewaySha256(fs, f.path, f.size));
      out.push({ ...f, sha256, layer: id });
    }
  }
  cache.save();
  return out;
}

/**
 * A weights stage copies a context's `src` to `dest`; a file the layer has at dest + rest came from the
 * context's src + rest. The project's copy is used only when its size matches (then hashed, see localSha256).
 */
export function localWeightFiles(plan: PlanData, projectDir: string): LocalFile {
  const copies = plan.export_phases
    .flatMap((p) => p.stages)
    .filter((s) => weightStages(plan).includes(s.id))
    .flatMap((s) => s.operations)
    .flatMap((op) =>
      op.op === 'copy' && op.from.type === 'context'
        ? [{ dest: op.dest.replace(/\/+$/, ''), src: op.src.replace(/\/+$/, ''), ctx: plan.contexts[op.from.name]?.path }]
        : [],
    );
  return (imagePath) => {
    const c = copies.find((x) => x.ctx !== undefined && (imagePath === x.dest || imagePath.startsWith(`${x.dest}/`)));
    return c ? path.join(projectDir, c.ctx!, c.src + imagePath.slice(c.dest.length)) : undefined;
  };
}

/**
 * CUDA from the toolkit's version.json (version.txt in CUDA ≤ 11.0), cuDNN from its deb (libcudnnN) or
 * header; else the plan's resolution (`source` says which). Only for images that have or asked for CUDA.
 */
export async function toolkits(
  plan: PlanData,
  views: { id: LayerId; fs: Fs }[],
  debsNow: Promise<readonly { pkg: DebPackage; layer: LayerId }[]>,
): Promise<SbomInventory['toolkits']> {
  const out: SbomInventory['toolkits'] = [];
  const planned = (name: string) => plan.base_image.metadata.packages[name] ?? plan.dependencies[name]?.resolved_version;
  const cuda = await firstFile(views, ['/usr/local/cuda/version.json', '/usr/local/cuda/version.txt'], (path, text) =>
    path.endsWith('.json') ? (JSON.parse(text) as { cuda?: { version?: string } }).cuda?.version : /CUDA Version (\S+)/.exec(text)?.[1],
  );
  if (cuda) out.push({ name: 'cuda', ...cuda });
  else if (planned('cuda')) out.push({ name: 'cuda', version: planned('cuda')!, source: 'the plan (base image metadata / resolver)', layer: BASE_LAYER });
  const deb = (await debsNow).find((d) => /^libcudnn\d*$/.test(d.pkg.name));
  const header =
    deb || !out.length
      ? undefined
      : await firstFile(
          views,
          ['/usr/include/cudnn_version.h', '/usr/include/x86_64-linux-gnu/cudnn_version_v8.h', '/usr/include/x86_64-linux-gnu/cudnn_version_v9.h'],
          (_, text) => {
            const n = (k: string) => new RegExp(`#define CUDNN_${k}\\s+(\\d+)`).exec(text)?.[1];
            return n('MAJOR') ? [n('MAJOR'), n('MINOR'), n('PATCHLEVEL')].filter(Boolean).join('.') : undefined;
          },
        );
  if (deb) out.push({ name: 'cudnn', version: deb.pkg.version, source: `deb package ${deb.pkg.name}`, layer: deb.layer });
  else if (header) out.push({ name: 'cudnn', ...header });
  else if (planned('cudnn') && out.length)
    out.push({ name: 'cudnn', version: planned('cudnn')!, source: 'the plan (base image metadata / resolver)', layer: BASE_LAYER });
  return out;
}

/** The first of `paths` in the first layer that has it, with the version `parse` finds in it (all read at once). */
async function firstFile(
  views: { id: LayerId; fs: Fs }[],
  paths: string[],
  parse: (path: string, text: string) => string | undefined,
): Promise<{ version: string; source: string; layer: LayerId } | undefined> {
  const tries = views.flatMap((v) => paths.map((path) => ({ v, path })));
  const texts = await Promise.all(tries.map(({ v, path }) => readText(v.fs, path)));
  for (let i = 0; i < tries.length; i++) {
    const text = texts[i];
    let version: string | undefined;
    try {
      version = text === undefined ? undefined : parse(tries[i].path, text);
    } catch {
      version = undefined; // a file that is not what it should be says nothing
    }
    if (version) return { version, source: tries[i].path, layer: tries[i].v.id };
  }
  return undefined;
}
