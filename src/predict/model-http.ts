/**
 * Talking to a running cog model over HTTP (127.0.0.1:PORT): GET /health-check until setup ends,
 * GET /openapi.json, POST /predictions. node:http, not fetch: a prediction may take longer than
 * fetch's 300 s header timeout.
 */
import * as http from 'http';

export interface HttpReply {
  status: number;
  json: unknown;
  text: string;
}

export function requestJson(port: number, method: string, path: string, body?: unknown, timeoutMs = 0): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

export interface Health {
  status: string;
  setup?: { logs?: string; status?: string };
}

/** One health check; undefined while the server does not answer yet. */
export async function health(port: number): Promise<Health | undefined> {
  try {
    const r = await requestJson(port, 'GET', '/health-check', undefined, 2000);
    return r.status === 200 && r.json && typeof r.json === 'object' ? (r.json as Health) : undefined;
  } catch {
    return undefined;
  }
}

/** The prediction response cog returns (the parts cogpack reads). */
export interface Prediction {
  status?: string;
  output?: unknown;
  error?: string | null;
  logs?: string;
}

/** FastAPI's 422 body: `detail: [{loc: ['body', 'input', name], msg}]` → `name: msg` lines. */
export function validationProblems(json: unknown): string[] {
  const detail = (json as { detail?: unknown } | undefined)?.detail;
  if (!Array.isArray(detail)) return [typeof detail === 'string' ? detail : 'the model rejected the input'];
  return detail.map((d: { loc?: unknown[]; msg?: string }) => {
    const loc = (d.loc ?? []).filter((p) => p !== 'body' && p !== 'input');
    return `${loc.length ? `${loc.join('.')}: ` : ''}${d.msg ?? 'invalid'}`;
  });
}
