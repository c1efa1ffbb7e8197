import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPackages, packagesKey, sameProbe, savePackages, type CachedPackages } from './sbom-cache';

describe('sbom-cache', () => {
  const value: CachedPackages = {
    dirs: ['/usr/lib/python3/dist-packages'],
    probe: { status: '123', dists: ['/a-1.dist-info'] },
    debs: [],
    python: [],
    toolkits: [],
    distro: 'debian',
  };

  it('keys by content, whatever the order of the parts; another input is another key', () => {
    expect(packagesKey({ base: 'b', 'deps:pip': 'x' })).toBe(packagesKey({ 'deps:pip': 'x', base: 'b' }));
    expect(packagesKey({ base: 'b', 'deps:pip': 'y' })).not.toBe(packagesKey({ base: 'b', 'deps:pip': 'x' }));
    expect(packagesKey({ base: 'b', a: undefined })).not.toBe(packagesKey({ base: 'b' }));
  });

  it('saves and loads under COGPACK_CACHE_DIR; an empty COGPACK_CACHE_DIR turns it off', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-cache-'));
    savePackages({ COGPACK_CACHE_DIR: dir }, 'k', value);
    expect(loadPackages({ COGPACK_CACHE_DIR: dir }, 'k')).toEqual(value);
    expect(loadPackages({ COGPACK_CACHE_DIR: dir }, 'other')).toBeUndefined();
    savePackages({ COGPACK_CACHE_DIR: '' }, 'k2', value);
    expect(loadPackages({ COGPACK_CACHE_DIR: '' }, 'k')).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });

  it('a hit counts only when the image shows the same status size and dist list', () => {
    expect(sameProbe(value.probe, { status: '123', dists: ['/a-1.dist-info'] })).toBe(true);
    expect(sameProbe(value.probe, { status: '124', dists: ['/a-1.dist-info'] })).toBe(false);
    expect(sameProbe(value.probe, { status: '123', dists: ['/a-2.dist-info'] })).toBe(false);
  });
});
