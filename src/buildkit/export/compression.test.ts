import { compressionAttrs } from './compression';
import { toExporter } from './exporters';
import type { OutputSpec } from './output-spec';
import { CogpackError } from '../../errors';

describe('--compression', () => {
  it('gives exporter attrs, zstd by default', () => {
    expect(compressionAttrs(undefined)).toEqual({ compression: 'zstd', 'oci-mediatypes': 'true' });
    // a given value is forced: BuildKit would otherwise reuse a blob it has in another compression
    expect(compressionAttrs('gzip')).toEqual({ compression: 'gzip', 'force-compression': 'true' });
    expect(compressionAttrs('zstd,level=19')).toEqual({
      compression: 'zstd',
      'force-compression': 'true',
      'oci-mediatypes': 'true',
      'compression-level': '19',
    });
    expect(compressionAttrs('uncompressed')).toEqual({ compression: 'uncompressed', 'force-compression': 'true' });
  });

  it.each([
    ['brotli', /unknown compression "brotli"/],
    ['gzip,level=10', /level 10 is outside 0–9 for gzip/],
    ['uncompressed,level=1', /uncompressed takes no level/],
    ['zstd,fast', /unknown option "fast"/],
  ])('%s is a usage error naming the fix', (spec, message) => {
    try {
      compressionAttrs(spec);
      throw new Error('no error');
    } catch (e) {
      expect((e as CogpackError).code).toBe('E_COMPRESSION');
      expect((e as Error).message).toMatch(message);
      expect((e as CogpackError).hint).toMatch(/gzip, zstd or uncompressed/);
    }
  });

  const ctx = {
    daemon: 'docker' as const,
    tags: ['m'],
    config: { architecture: 'amd64', os: 'linux', config: {} },
    sourceDateEpoch: 1,
    reproducible: false,
    compression: { compression: 'zstd', 'compression-level': '19' },
  };

  it('reaches every image exporter; an output naming its own compression takes none of the flag', () => {
    const outs: OutputSpec[] = [
      { type: 'docker', attrs: {} },
      { type: 'image', attrs: { push: 'true' } },
      { type: 'oci', dest: 'x.tar', attrs: {} },
    ];
    for (const out of outs) {
      expect(toExporter(out, ctx).attrs).toMatchObject({ compression: 'zstd', 'compression-level': '19' });
    }
    const own = toExporter({ type: 'image', attrs: { compression: 'gzip' } }, ctx).attrs;
    expect(own.compression).toBe('gzip');
    expect(own['compression-level']).toBeUndefined();
    const repro = toExporter({ type: 'docker', attrs: { compression: 'uncompressed' } }, { ...ctx, reproducible: true }).attrs;
    expect(repro).toMatchObject({ compression: 'uncompressed', 'rewrite-timestamp': 'true' });
    expect(toExporter({ type: 'local', dest: 'd', attrs: {} }, ctx).attrs.compression).toBeUndefined();
  });
});
