/**
 * From `--output` specs to BuildKit exporters: attrs per type (normalised names, the image config,
 * source-date-epoch, timestamp rewriting) and where FileSend writes each streamed result.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Writable } from 'stream';
import { normalizeImageRef, type OciImageConfig } from '../../../llb';
import { UsageError } from '../../errors';
import type { ExporterSpec } from '../solve/solve';
import type { OutputSpec } from './output-spec';
import { localDirReceiver, type LocalDirReceiver } from '../session';

export interface ExportContext {
  daemon: 'docker' | 'buildkitd';
  tags: string[];
  /** the image config as an exporter attr; absent when a gateway build returns it as result metadata instead */
  config?: OciImageConfig;
  sourceDateEpoch: number;
  /** layer bytes made reproducible too (rewrite-timestamp); see docs in build.ts for the trade-off */
  reproducible: boolean;
  /** layer compression attrs of image outputs (compression.ts); an output's own attrs win */
  compression?: Record<string, string>;
}

/** buildx defaults: load into Docker when the daemon is Docker, else keep in the daemon's image store. */
export function defaultOutputs(ctx: Pick<ExportContext, 'daemon'>): OutputSpec[] {
  return [ctx.daemon === 'docker' ? { type: 'docker', attrs: {} } : { type: 'image', attrs: {} }];
}

export function imageNames(tags: string[], attrName?: string): string {
  const names = [...tags, ...(attrName ? attrName.split(',') : [])].map((n) => n.trim()).filter(Boolean);
  return [...new Set(names.map(normalizeImageRef))].join(',');
}

export function toExporter(out: OutputSpec, ctx: ExportContext): ExporterSpec {
  const common: Record<string, string> = { 'source-date-epoch': String(ctx.sourceDateEpoch) };
  // an exporter attr overrides the result's metadata, so a gateway build's config must not be here too
  const imageAttrs = ctx.config ? { ...common, 'containerimage.config': JSON.stringify(ctx.config) } : common;
  // an output that names its own compression takes none of --compression (a gzip output gets no zstd level)
  const own = 'compression' in out.attrs ? {} : (ctx.compression ?? {});
  const compressed = (attrs: Record<string, string>) => ({ ...own, ...attrs });
  const name = imageNames(ctx.tags, out.attrs.name);
  switch (out.type) {
    case 'docker':
      if (!out.dest) {
        if (ctx.daemon !== 'docker')
          throw new UsageError('E_OUTPUT_LOAD', 'type=docker without dest needs a Docker daemon', { hint: 'add dest=image.tar, or use type=image' });
        return ctx.reproducible
          ? reproducibleStore({ ...out, attrs: compressed(out.attrs) }, imageAttrs, name)
          : { type: 'moby', attrs: withName(compressed({ ...out.attrs, ...imageAttrs }), name) };
      }
      return { type: 'docker', attrs: withName(compressed({ ...out.attrs, ...imageAttrs, ...rewrite(ctx) }), name) };
    case 'oci':
      return { type: 'oci', attrs: withName(compressed({ ...out.attrs, ...imageAttrs, ...rewrite(ctx) }), name) };
    case 'image':
      return { type: 'image', attrs: withName(compressed({ ...out.attrs, ...imageAttrs, ...rewrite(ctx) }), name) };
    case 'local':
    case 'tar':
      // BuildKit v0.13's local/tar exporters fail with a bare "not found" when source-date-epoch is 0
      return { type: out.type, attrs: ctx.sourceDateEpoch > 0 ? { ...out.attrs, ...common } : { ...out.attrs } };
    default:
      throw new UsageError('E_OUTPUT_TYPE', `unsupported output type ${out.type as string}`);
  }
}

/**
 * `moby` forces unpack, which conflicts with rewrite-timestamp (and fails only after tagging), so a
 * reproducible load uses the `image` exporter, which on a containerd-store Docker is the same store.
 */
function reproducibleStore(out: OutputSpec, attrs: Record<string, string>, name: string): ExporterSpec {
  return { type: 'image', attrs: withName({ ...out.attrs, ...attrs, 'rewrite-timestamp': 'true' }, name) };
}

function rewrite(ctx: ExportContext): Record<string, string> {
  return ctx.reproducible ? { 'rewrite-timestamp': 'true' } : {};
}

function withName(attrs: Record<string, string>, name: string): Record<string, string> {
  const { name: _n, ...rest } = attrs;
  return name ? { ...rest, name } : rest;
}

/** The FileSend target per exporter index: a file for tarballs, a directory receiver for `local`. */
export function fileSendTargets(outputs: OutputSpec[]): (index: number) => Writable | LocalDirReceiver {
  return (index) => {
    const out = outputs[index];
    if (!out?.dest) throw new Error(`exporter ${index} does not stream to the client`);
    if (out.type === 'local') {
      fs.mkdirSync(out.dest, { recursive: true });
      return localDirReceiver(path.resolve(out.dest));
    }
    fs.mkdirSync(path.dirname(path.resolve(out.dest)), { recursive: true });
    return fs.createWriteStream(out.dest);
  };
}
