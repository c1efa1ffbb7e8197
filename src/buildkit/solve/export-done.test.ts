import { exporterVertexDigest, watchExportDone } from './export-done';
import type { StatusResponse, Vertex } from '../progress/status-types';

const SESSION = 'fbfcf3a40230e50f58d7c296de8a4c4a';
const MANIFEST = `sha256:${'a'.repeat(64)}`;
const CONFIG = `sha256:${'b'.repeat(64)}`;
const INDEX = `sha256:${'c'.repeat(64)}`;
const T = { seconds: '1795336501', nanos: 1 };

/** A watcher and the feed solve gives it: statuses merged into the vertex view first, then handed over. */
function watch(types: string[]) {
  const vertices = new Map<string, Vertex>();
  const w = watchExportDone(SESSION, types, 0, vertices);
  const feed = (status: StatusResponse) => {
    for (const v of status.vertexes ?? []) vertices.set(v.digest, { ...vertices.get(v.digest), ...v });
    w!.onStatus(status);
  };
  return { w, feed };
}

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
    const { w, feed } = watch(['moby']);
    feed({ vertexes: [{ digest: vertex, name: 'exporting to image', started: T }] });
    feed(digestStatuses);
    expect(await settled(w!.done)).toBe('pending');
    feed({ vertexes: [{ digest: vertex, name: 'exporting to image', started: T, completed: T }] });
    expect(await settled(w!.done)).toEqual({ 'containerimage.digest': MANIFEST, 'containerimage.config.digest': CONFIG });
  });

  it('takes the index digest when the exporter wrote a manifest list', async () => {
    const { w, feed } = watch(['image']);
    feed(digestStatuses);
    feed({
      statuses: [
        { ID: `exporting attestation manifest sha256:${'d'.repeat(64)}`, vertex },
        { ID: `exporting manifest list ${INDEX}`, vertex },
      ],
    });
    feed({ vertexes: [{ digest: vertex, completed: T }] });
    expect((await settled(w!.done)) as Record<string, string>).toMatchObject({ 'containerimage.digest': INDEX });
  });

  it("waits for every vertex to have its last status, which may come after the exporter's", async () => {
    const { w, feed } = watch(['moby']);
    feed({ vertexes: [{ digest: 'sha256:step', name: '[code:source] COPY / /src' }] });
    feed(digestStatuses);
    feed({ vertexes: [{ digest: vertex, name: 'exporting to image', started: T, completed: T }] });
    expect(await settled(w!.done)).toBe('pending');
    feed({ vertexes: [{ digest: 'sha256:step', name: '[code:source] COPY / /src', started: T, completed: T, cached: true }] });
    expect(await settled(w!.done)).toEqual({ 'containerimage.digest': MANIFEST, 'containerimage.config.digest': CONFIG });
  });

  it('ignores other vertices, failed exports and exports that named no manifest', async () => {
    const { w, feed } = watch(['moby']);
    feed({ statuses: [{ ID: `exporting manifest ${MANIFEST}`, vertex: exporterVertexDigest('other', 0) }] });
    feed({ vertexes: [{ digest: vertex, completed: T }] });
    expect(await settled(w!.done)).toBe('pending');
    feed(digestStatuses);
    feed({ vertexes: [{ digest: vertex, completed: T, error: 'failed to unpack' }] });
    expect(await settled(w!.done)).toBe('pending');
  });

  it('is not used when something still has to reach the client or follow the export', () => {
    expect(watchExportDone(SESSION, ['docker'], 0, new Map())).toBeUndefined(); // a tarball sent back over the session
    expect(watchExportDone(SESSION, ['oci'], 0, new Map())).toBeUndefined();
    expect(watchExportDone(SESSION, ['local'], 0, new Map())).toBeUndefined();
    expect(watchExportDone(SESSION, ['moby', 'image'], 0, new Map())).toBeUndefined();
    expect(watchExportDone(SESSION, ['moby'], 1, new Map())).toBeUndefined(); // cache export runs after the exporters
    expect(watchExportDone(undefined, ['moby'], 0, new Map())).toBeUndefined();
  });
});
