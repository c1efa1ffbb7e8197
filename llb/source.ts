/** Source ops: docker-image and local (client directory) vertices. */
import { normalizeImageRef } from './image-ref';
import type { PbOp, PbPlatform } from './pb-types';
import type { Vertex } from './vertex';

export interface ImageOptions {
  /** `image.resolvemode`: default (unset) | pull | local */
  resolveMode?: 'default' | 'pull' | 'local';
  name?: string;
}

export interface LocalOptions {
  /** `local.session`; omitted → any session of the request may serve it */
  sessionId?: string;
  /** `local.sharedkeyhint`, so repeated builds sync incrementally */
  sharedKeyHint?: string;
  exclude?: readonly string[];
  include?: readonly string[];
  name?: string;
}

class SourceVertex implements Vertex {
  readonly kind = 'source' as const;
  readonly inputs = [] as const;
  constructor(
    private readonly identifier: string,
    private readonly attrs: Readonly<Record<string, string>>,
    private readonly platform: PbPlatform | undefined,
    readonly name: string,
    readonly caps: readonly string[],
  ) {}

  body(): Omit<PbOp, 'inputs' | 'constraints'> {
    return { source: { identifier: this.identifier, attrs: { ...this.attrs } }, platform: this.platform };
  }
}

/** Go keeps the platform on docker-image sources only. */
export function imageVertex(ref: string, platform: PbPlatform, opts: ImageOptions = {}): Vertex {
  const id = `docker-image://${normalizeImageRef(ref)}`;
  const attrs: Record<string, string> = {};
  if (opts.resolveMode && opts.resolveMode !== 'default') attrs['image.resolvemode'] = opts.resolveMode;
  return new SourceVertex(id, attrs, platform, opts.name ?? id, ['source.image']);
}

/** No `local.unique`: Go sets a random one, which would make the bytes differ on every run. */
export function localVertex(name: string, opts: LocalOptions = {}): Vertex {
  const attrs: Record<string, string> = {};
  const caps = ['source.local'];
  if (opts.sessionId) {
    attrs['local.session'] = opts.sessionId;
    caps.push('source.local.sessionid');
  }
  if (opts.sharedKeyHint) {
    attrs['local.sharedkeyhint'] = opts.sharedKeyHint;
    caps.push('source.local.sharedkeyhint');
  }
  if (opts.exclude && opts.exclude.length > 0) {
    attrs['local.excludepatterns'] = JSON.stringify(opts.exclude);
    caps.push('source.local.excludepatterns');
  }
  if (opts.include && opts.include.length > 0) {
    attrs['local.includepattern'] = JSON.stringify(opts.include);
    caps.push('source.local.includepatterns');
  }
  return new SourceVertex(`local://${name}`, attrs, undefined, opts.name ?? `load build context ${name}`, caps);
}
