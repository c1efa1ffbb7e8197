/** The shapes of BuildKit's StatusResponse as decoded by proto-loader (keepCase, int64 as strings). */

export interface Timestamp {
  seconds?: string;
  nanos?: number;
}

export interface Vertex {
  digest: string;
  inputs?: string[];
  name?: string;
  cached?: boolean;
  started?: Timestamp;
  completed?: Timestamp;
  error?: string;
}

export interface VertexStatus {
  ID?: string;
  vertex?: string;
  name?: string;
  current?: string;
  total?: string;
  timestamp?: Timestamp;
  started?: Timestamp;
  completed?: Timestamp;
}

export interface VertexLog {
  vertex?: string;
  timestamp?: Timestamp;
  stream?: string;
  msg?: Buffer | Uint8Array;
}

export interface VertexWarning {
  vertex?: string;
  level?: string;
  short?: Buffer | Uint8Array;
  detail?: (Buffer | Uint8Array)[];
  url?: string;
}

export interface StatusResponse {
  vertexes?: Vertex[];
  statuses?: VertexStatus[];
  logs?: VertexLog[];
  warnings?: VertexWarning[];
}

/** Milliseconds since the epoch, or undefined when the timestamp is absent. */
export function timestampMs(t?: Timestamp): number | undefined {
  if (!t || (t.seconds === undefined && t.nanos === undefined)) return undefined;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
