/** Keeps what the Status stream said about each vertex (number, name, times, cached, error, logs) and turns updates into plain lines. */
import { timestampMs, type StatusResponse, type Vertex } from './status-types';

export interface VertexEntry {
  n: number;
  digest: string;
  name: string;
  cached: boolean;
  started?: number;
  completed?: number;
  error?: string;
  /** complete log lines, newest last */
  logs: string[];
  announced: boolean;
  reported: boolean;
  partial: Map<string, string>;
}

const MAX_LOG_LINES = 200;

export class VertexBook {
  readonly entries = new Map<string, VertexEntry>();
  readonly startedAt: number;

  constructor(private readonly now: () => number) {
    this.startedAt = now();
  }

  /** Records an update; returns the plain-mode lines it produces. */
  apply(status: StatusResponse): string[] {
    const out: string[] = [];
    for (const v of status.vertexes ?? []) out.push(...this.applyVertex(v));
    for (const s of status.statuses ?? []) {
      const e = this.entries.get(s.vertex ?? '');
      if (e && s.completed && s.ID) out.push(`#${e.n} ${s.ID} done`);
    }
    for (const log of status.logs ?? []) {
      const e = this.entry(log.vertex ?? '');
      const key = String(log.stream ?? '1');
      const text = (e.partial.get(key) ?? '') + Buffer.from(log.msg ?? []).toString('utf8');
      const lines = text.split(/\r?\n/);
      e.partial.set(key, lines.pop() ?? '');
      for (const line of lines) out.push(this.logLine(e, line, timestampMs(log.timestamp)));
    }
    return out;
  }

  private applyVertex(v: Vertex): string[] {
    const e = this.entry(v.digest);
    if (v.name) e.name = v.name;
    if (v.cached) e.cached = true;
    e.started = timestampMs(v.started) ?? e.started;
    e.completed = timestampMs(v.completed) ?? e.completed;
    if (v.error) e.error = v.error;
    const out: string[] = [];
    if (!e.announced && (e.started !== undefined || e.cached || e.completed !== undefined)) {
      e.announced = true;
      out.push('', `#${e.n} ${e.name}`);
    }
    if (e.announced && !e.reported && (e.cached || e.completed !== undefined)) {
      e.reported = true;
      out.push(...this.flushVertex(e));
      if (e.cached) out.push(`#${e.n} CACHED`);
      else if (e.error) out.push(`#${e.n} ERROR: ${e.error}`);
      else out.push(`#${e.n} DONE ${seconds(e)}`);
    }
    return out;
  }

  private entry(digest: string): VertexEntry {
    let e = this.entries.get(digest);
    if (!e) {
      e = { n: this.entries.size + 1, digest, name: digest, cached: false, logs: [], announced: false, reported: false, partial: new Map() };
      this.entries.set(digest, e);
    }
    return e;
  }

  private logLine(e: VertexEntry, line: string, at?: number): string {
    e.logs.push(line);
    if (e.logs.length > MAX_LOG_LINES) e.logs.shift();
    const rel = at !== undefined && e.started !== undefined ? ((at - e.started) / 1000).toFixed(3) : '0.000';
    return `#${e.n} ${rel} ${line}`;
  }

  private flushVertex(e: VertexEntry): string[] {
    const out: string[] = [];
    for (const [key, rest] of e.partial) {
      if (rest) out.push(this.logLine(e, rest, e.completed));
      e.partial.set(key, '');
    }
    return out;
  }

  flushPartialLogs(): string[] {
    return [...this.entries.values()].flatMap((e) => this.flushVertex(e));
  }

  /** The failing steps with their last log lines, for modes that did not show logs as they came. */
  failureLogs(): string {
    this.flushPartialLogs();
    return [...this.entries.values()]
      .filter((e) => e.error && !/context canceled/.test(e.error))
      .map((e) => [`------ ${e.name} ------`, ...e.logs.slice(-30).map((l) => `> ${l}`), `ERROR: ${e.error}`, ''].join('\n'))
      .join('\n');
  }

  counts(): { done: number; total: number } {
    const all = [...this.entries.values()];
    return { done: all.filter((e) => e.cached || e.completed !== undefined).length, total: all.length };
  }
}

function seconds(e: VertexEntry): string {
  if (e.started === undefined || e.completed === undefined) return '0.0s';
  return `${((e.completed - e.started) / 1000).toFixed(1)}s`;
}
