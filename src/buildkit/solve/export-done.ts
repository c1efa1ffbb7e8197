/**
 * Knowing from the Status stream that the image exporter has finished, so a build can return then instead of
 * when Control.Solve answers. After the exporters BuildKit writes the build-history record (provenance of the
 * whole graph, the status log, a trace) before it answers: a large part
 * of a no-op rebuild's time. The daemon writes that record whether or not the client is still there (BuildKit runs it
 * under a context that ignores the client's cancel), so nothing is lost, only not waited for.
 *
 * The exporter's vertex is BuildKit's own: digest sha256("<session id>-export-<index>"), completed without
 * error once the image is written, named and (Docker) unpacked. Its statuses carry the digests the Solve
 * response would: "exporting manifest list sha256:…" (an index), else "exporting manifest sha256:…", and
 * "exporting config sha256:…".
 */
import { createHash } from 'node:crypto';
import type { StatusResponse, Vertex } from '../progress/status-types';

/** Exporters whose whole result is in the daemon (or a registry): nothing left to arrive at the client. */
const STORE_EXPORTERS = new Set(['moby', 'image']);

export interface ExportDone {
  onStatus(status: StatusResponse): void;
  /** resolves with the exporter response the Solve would give; never rejects (a failure comes from the Solve) */
  readonly done: Promise<Record<string, string>>;
}

export function exporterVertexDigest(sessionId: string, index: number): string {
  return `sha256:${createHash('sha256').update(`${sessionId}-export-${index}`).digest('hex')}`;
}

/**
 * A watcher for builds that can end at the export: one store exporter and no cache export (a cache export runs
 * after the image exporter, and its response is needed). Undefined for every other build.
 * `done` also waits until every vertex in `vertices` (the caller's merged view of the Status stream, updated before
 * each onStatus) has completed: on Docker the cached steps' statuses can come after the exporter's, and without
 * them the progress and the summary would show those steps unfinished.
 */
export function watchExportDone(
  sessionId: string | undefined,
  exporterTypes: readonly string[],
  cacheExports: number,
  vertices: ReadonlyMap<string, Vertex>,
): ExportDone | undefined {
  if (!sessionId || exporterTypes.length !== 1 || !STORE_EXPORTERS.has(exporterTypes[0]) || cacheExports > 0) return undefined;
  const vertex = exporterVertexDigest(sessionId, 0);
  const digests: Record<string, string> = {};
  let response: Record<string, string> | undefined;
  let resolve!: (r: Record<string, string>) => void;
  const done = new Promise<Record<string, string>>((r) => (resolve = r));
  return {
    done,
    onStatus(status) {
      for (const s of status.statuses ?? []) {
        if (s.vertex === vertex && s.ID) noteDigest(digests, s.ID);
      }
      const image = digests.index ?? digests.manifest;
      const v = (status.vertexes ?? []).find((x) => x.digest === vertex);
      // without the image digest the summary would lack it: wait for the Solve response instead
      if (v?.completed && !v.error && image) {
        response = { 'containerimage.digest': image, ...(digests.config ? { 'containerimage.config.digest': digests.config } : {}) };
      }
      if (response && [...vertices.values()].every((x) => x.completed)) resolve(response);
    },
  };
}

const DIGEST_STATUS = /^exporting (manifest list|manifest|config) (sha256:[0-9a-f]{64})$/;

function noteDigest(digests: Record<string, string>, id: string): void {
  const m = DIGEST_STATUS.exec(id);
  if (!m) return;
  const key = m[1] === 'manifest list' ? 'index' : m[1];
  digests[key] = m[2];
}
