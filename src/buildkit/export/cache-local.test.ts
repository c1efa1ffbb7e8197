import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../errors';
import { prepareLocalCaches, updateCacheIndexes } from './cache-local';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-cache-local-test-'));
const DESC = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 12 };

describe('cache type=local', () => {
  it('an export gets an absolute dir, a store id local:<dir>, and its index.json records cache.manifest under the tag', () => {
    const dir = tmp();
    const c = prepareLocalCaches(
      [],
      [
        { type: 'local', attrs: { dest: dir, mode: 'max' } },
        { type: 'registry', attrs: { ref: 'r/x:c' } },
      ],
    );
    expect(c.exports).toEqual([
      { type: 'local', attrs: { dest: dir, mode: 'max' } },
      { type: 'registry', attrs: { ref: 'r/x:c' } },
    ]);
    expect(c.stores).toEqual({ [`local:${dir}`]: dir });
    updateCacheIndexes(c, { 'cache.manifest': JSON.stringify(DESC) });
    updateCacheIndexes(c, { 'cache.manifest': JSON.stringify({ ...DESC, digest: `sha256:${'b'.repeat(64)}` }) });
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([{ ...DESC, digest: `sha256:${'b'.repeat(64)}`, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]);
    expect(fs.existsSync(path.join(dir, 'oci-layout'))).toBe(true);
  });

  it('an import takes the digest tagged in index.json; with none yet it warns and builds without', () => {
    const dir = tmp();
    const empty = prepareLocalCaches([{ type: 'local', attrs: { src: dir } }], []);
    expect(empty.imports).toEqual([]);
    expect(empty.warnings[0]).toMatch(/no cache tagged "latest"/);
    updateCacheIndexes(prepareLocalCaches([], [{ type: 'local', attrs: { dest: dir, tag: 'v1' } }]), { 'cache.manifest': JSON.stringify(DESC) });
    const c = prepareLocalCaches([{ type: 'local', attrs: { src: dir, tag: 'v1' } }], []);
    expect(c.imports).toEqual([{ type: 'local', attrs: { src: dir, tag: 'v1', digest: DESC.digest } }]);
    expect(c.stores).toEqual({ [`local:${dir}`]: dir });
  });

  it('dest / src are required', () => {
    expect(() => prepareLocalCaches([], [{ type: 'local', attrs: {} }])).toThrow(UsageError);
    expect(() => prepareLocalCaches([{ type: 'local', attrs: {} }], [])).toThrow(/src=DIR/);
  });
});
