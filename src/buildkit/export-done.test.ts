import { exporterVertexDigest, watchExportDone } from './export-done';
import type { StatusResponse } from './status-types';

const SESSION = 'fbfcf3a40230e50f58d7c296de8a4c4a';
const MANIFEST = `sha256:${'a'.repeat(64)}`;
const CONFIG = `sha256:${'b'.repeat(64)}`;
const INDEX = `sha256:${'c'.repeat(64)}`;
const T = { seconds: '1795336501', nanos: 1 };

function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('exporterVertexDigest', () => {
  it('is BuildKit’s digest of "<session>-export-<i>" (seen on Docker 26.1 for this session id)', () => {
    expect(exporterVertexDigest(SESSION, 0)).toBe('sha256:2c1a35c705a9eb91b43341870fb0e2e6c63e13a5bf3c4eae9048d3113db675ff');
    expect(exporterVertexDigest(SESSION, 1)).not.toBe(exporterVertexDigest(SESSION, 0));
  });
});

describe('watchExportDone', () => {
  const vertex = exporterVertexDigest(SESSION, 0);
  const digestStatuses: StatusResponse = {
    statuses: [
      { ID: 'exporting layers', vertex },
      { ID: `exporting manifest ${MANIFEST}`, vertex },
      { ID: `exporting config ${CONFIG}`, vertex },
    ],
  };

  it('resolves with the digests once the exporter vertex completed', async () => {
    const w = watchExportDone(SESSION, ['moby'], 0)!;
    w.onStatus({ vertexes: [{ digest: vertex, name: 'exporting to image', started: T }] });
    w.onStatus(digestStatuses);
    expect(await settled(w.done)).toBe('pending');
    w.onStatus({ vertexes: [{ digest: vertex, name: 'exporting to image', started: T, completed: T }] });
    expect(await settled(w.done)).toEqual({ 'containerimage.digest': MANIFEST, 'containerimage.config.digest': CONFIG });
  });

  it('takes the index digest when the exporter wrote a manifest list', async () => {
    const w = watchExportDone(SESSION, ['image'], 0)!;
    w.onStatus(digestStatuses);
    w.onStatus({ statuses: [{ ID: `exporting attestation manifest sha256:${'d'.repeat(64)}`, vertex }, { ID: `exporting manifest list ${INDEX}`, vertex }] });
    w.onStatus({ vertexes: [{ digest: vertex, completed: T }] });
    expect((await settled(w.done)) as Record<string, string>).toMatchObject({ 'containerimage.digest': INDEX });
  });

  it('ignores other vertices, failed exports and exports that named no manifest', async () => {
    const w = watchExportDone(SESSION, ['moby'], 0)!;
    w.onStatus({ statuses: [{ ID: `exporting manifest ${MANIFEST}`, vertex: exporterVertexDigest('other', 0) }] });
    w.onStatus({ vertexes: [{ digest: vertex, completed: T }] });
    expect(await settled(w.done)).toBe('pending');
    w.onStatus(digestStatuses);
    w.onStatus({ vertexes: [{ digest: vertex, completed: T, error: 'failed to unpack' }] });
    expect(await settled(w.done)).toBe('pending');
  });

  it('is not used when something still has to reach the client or follow the export', () => {
    expect(watchExportDone(SESSION, ['docker'], 0)).toBeUndefined(); // a tarball sent back over the session
    expect(watchExportDone(SESSION, ['oci'], 0)).toBeUndefined();
    expect(watchExportDone(SESSION, ['local'], 0)).toBeUndefined();
    expect(watchExportDone(SESSION, ['moby', 'image'], 0)).toBeUndefined();
    expect(watchExportDone(SESSION, ['moby'], 1)).toBeUndefined(); // cache export runs after the exporters
    expect(watchExportDone(undefined, ['moby'], 0)).toBeUndefined();
  });
});
