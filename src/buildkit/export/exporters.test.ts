import { defaultOutputs, imageNames, toExporter } from './exporters';
import { UsageError } from '../../errors';

const config = { architecture: 'amd64', os: 'linux', config: { Cmd: ['python'] } };
const ctx = { daemon: 'docker' as const, tags: ['myimg'], config, sourceDateEpoch: 1700000000, reproducible: false };

describe('exporters', () => {
  it('loads into Docker by default with moby, a normalised name and the image config as a JSON string', () => {
    const e = toExporter(defaultOutputs(ctx)[0], ctx);
    expect(e).toEqual({
      type: 'moby',
      attrs: { name: 'docker.io/library/myimg:latest', 'containerimage.config': JSON.stringify(config), 'source-date-epoch': '1700000000' },
    });
  });

  it('a standalone buildkitd keeps the image in its store by default, and refuses a load without dest', () => {
    expect(defaultOutputs({ daemon: 'buildkitd' })).toEqual([{ type: 'image', attrs: {} }]);
    expect(() => toExporter({ type: 'docker', attrs: {} }, { ...ctx, daemon: 'buildkitd' })).toThrow(UsageError);
  });

  it('--reproducible: the load uses the image exporter with rewrite-timestamp (moby refuses it)', () => {
    const e = toExporter({ type: 'docker', attrs: {} }, { ...ctx, reproducible: true });
    expect(e.type).toBe('image');
    expect(e.attrs['rewrite-timestamp']).toBe('true');
    expect(e.attrs.name).toBe('docker.io/library/myimg:latest');
  });

  it('push, tarballs and directories get their own attrs; epoch 0 is not sent to local/tar', () => {
    expect(toExporter({ type: 'image', attrs: { name: '127.0.0.1:5000/x:1', push: 'true' } }, { ...ctx, tags: [] }).attrs).toMatchObject({
      name: '127.0.0.1:5000/x:1',
      push: 'true',
    });
    expect(toExporter({ type: 'oci', dest: 'o.tar', attrs: {} }, ctx).type).toBe('oci');
    expect(toExporter({ type: 'local', dest: 'd', attrs: {} }, { ...ctx, sourceDateEpoch: 0 }).attrs).toEqual({});
    expect(toExporter({ type: 'local', dest: 'd', attrs: {} }, ctx).attrs).toEqual({ 'source-date-epoch': '1700000000' });
  });

  it('normalises and de-duplicates names from -t and name=', () => {
    expect(imageNames(['a', 'docker.io/library/a:latest'], 'b:1,a')).toBe('docker.io/library/a:latest,docker.io/library/b:1');
  });
});
