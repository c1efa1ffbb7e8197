/**
 * Reads an OCI / docker-archive tarball as written by BuildKit's oci and docker exporters: the manifest's
 * layers with their compressed sizes and diffIDs, and each layer's files (for tests that search layers).
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { decompress as zstdDecompress } from 'fzstd';

export interface TarEntry {
  name: string;
  type: string;
  data: Buffer;
}

/** Plain ustar/pax/GNU-longname reader; enough for exporter output and image layers. */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const field = (s: number, n: number): string =>
      h
        .subarray(s, s + n)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
    else if (type !== 'g') {
      out.push({ name: longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)), type, data });
      longName = undefined;
    }
  }
  return out;
}

export interface ArchiveLayer {
  digest: string;
  /** compressed size in the archive */
  size: number;
  diffId: string;
  mediaType: string;
}

export interface ImageArchive {
  manifestDigest: string;
  configDigest: string;
  layers: ArchiveLayer[];
  /** decompressed tar of layer i */
  layerTar(i: number): Buffer;
}

export function readImageArchive(file: string): ImageArchive {
  const entries = new Map(readTar(fs.readFileSync(file)).map((e) => [e.name.replace(/^\.\//, ''), e.data]));
  const blob = (digest: string): Buffer => {
    const b = entries.get(`blobs/${digest.replace(':', '/')}`);
    if (!b) throw new Error(`${file}: blob ${digest} missing`);
    return b;
  };
  const index = JSON.parse(entries.get('index.json')?.toString() ?? '{}') as { manifests?: { digest: string; mediaType?: string }[] };
  let manifestDigest = index.manifests?.[0]?.digest ?? '';
  let manifest = JSON.parse(blob(manifestDigest).toString()) as {
    manifests?: { digest: string }[];
    config: { digest: string };
    layers: { digest: string; size: number; mediaType: string }[];
  };
  if (manifest.manifests) {
    manifestDigest = manifest.manifests[0].digest; // an index around one platform manifest
    manifest = JSON.parse(blob(manifestDigest).toString());
  }
  const config = JSON.parse(blob(manifest.config.digest).toString()) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: diffIds[i] ?? '', mediaType: l.mediaType }));
  return {
    manifestDigest,
    configDigest: manifest.config.digest,
    layers,
    layerTar: (i) => {
      const raw = blob(layers[i].digest);
      if (raw[0] === 0x1f && raw[1] === 0x8b) return zlib.gunzipSync(raw);
      // zstd (cogpack's default layer compression); Node 20's zlib has no zstd
      if (raw.readUInt32LE(0) === 0xfd2fb528) return Buffer.from(zstdDecompress(raw));
      return raw;
    },
  };
}
