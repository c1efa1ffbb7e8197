/**
 * One prediction against an image: create the container (port 5000 on a free 127.0.0.1 port), wait for
 * setup, POST /predictions, show the output; the container is removed on every way out, Ctrl-C included
 * (exit 130). The model's failures are ModelErrors (exit 1) carrying the container's log tail.
 */
import * as path from 'path';
import { ModelError } from '../errors';
import { createModel, engineFromEnv, inspect, logTail, removeContainer, startModel, type Engine } from './containers';
import { buildInput, type OpenApi, type RawInput } from './inputs';
import { health, requestJson, validationProblems, type HttpReply, type Prediction } from './model-http';
import { showOutput } from './outputs';

export interface PredictOptions {
  image: string;
  inputs: RawInput[];
  out?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** ms between health checks */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lastLine = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();

/** cog's server logs JSON lines; their `message` is what a person reads (tracebacks come as plain lines). */
export function readableLog(line: string): string {
  try {
    const j = JSON.parse(line) as { message?: unknown; severity?: unknown };
    if (j && typeof j.message === 'string') return `${typeof j.severity === 'string' ? `${j.severity} ` : ''}${j.message}`;
  } catch {
    // a plain line
  }
  return line;
}

/** The last Python exception line (`RuntimeError: boom`) in the log, the usual one-line reason. */
export function lastException(lines: string[]): string | undefined {
  return lines
    .filter((l) => /^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)(: .*)?$/.test(l.trim()))
    .pop()
    ?.trim();
}

async function modelLog(engine: Engine, id: string): Promise<string[]> {
  return (await logTail(engine, id, 40).catch(() => [])).map(readableLog);
}

async function failure(engine: Engine, id: string, code: string, message: string, log?: string[]): Promise<ModelError> {
  const tail = (log ?? (await modelLog(engine, id))).slice(-20);
  return new ModelError(code, message, { details: tail.length ? ["the model's last log lines:", ...tail.map((l) => `| ${l}`)] : undefined });
}

/** Polls /health-check until READY; setup failure, an exited container or DEFUNCT end it with a ModelError. */
async function waitReady(engine: Engine, id: string, port: number, pollMs: number): Promise<void> {
  for (;;) {
    const h = await health(port);
    if (h?.status === 'READY') return;
    if (h?.status === 'SETUP_FAILED') {
      const why = lastLine(h.setup?.logs);
      throw await failure(engine, id, 'E_MODEL_SETUP', `the model's setup() failed${why ? `: ${why}` : ''}`);
    }
    if (h?.status === 'DEFUNCT') throw await failure(engine, id, 'E_MODEL_DEFUNCT', 'the model server stopped working during setup');
    const state = (await inspect(engine, id)).State;
    if (state && !state.Running) {
      // cog 0.13.6 shuts its server down at once when setup() raises, so the exit is what is seen
      const log = await modelLog(engine, id);
      const exit = `exit code ${state.ExitCode ?? '?'}${state.OOMKilled ? ', out of memory' : ''}`;
      const setupFailed = log.some((l) => / setup failed$/.test(l));
      const why = lastException(log);
      throw await failure(
        engine,
        id,
        setupFailed ? 'E_MODEL_SETUP' : 'E_MODEL_EXITED',
        setupFailed ? `the model's setup() failed${why ? `: ${why}` : ''} (${exit})` : `the model exited before it was ready (${exit}${why ? `; ${why}` : ''})`,
        log,
      );
    }
    await sleep(pollMs);
  }
}

/** The prediction reply → output shown, or the ModelError that says what went wrong. */
async function settle(engine: Engine, id: string, reply: HttpReply, o: PredictOptions): Promise<void> {
  const p = (reply.json ?? {}) as Prediction;
  if (o.json && reply.json !== undefined) process.stdout.write(`${JSON.stringify(reply.json, null, 2)}\n`);
  if (reply.status === 422) {
    throw new ModelError('E_MODEL_INPUT', `the model rejected the input: ${validationProblems(reply.json).join('; ')}`, { hint: 'fix the -i values' });
  }
  if (reply.status >= 500) {
    const log = await modelLog(engine, id);
    const why = lastException(log);
    throw await failure(engine, id, 'E_PREDICTION_CRASHED', `the model crashed during the prediction (HTTP ${reply.status})${why ? `: ${why}` : ''}`, log);
  }
  if (reply.status !== 200) throw await failure(engine, id, 'E_PREDICTION_FAILED', `the model answered HTTP ${reply.status}: ${lastLine(reply.text) ?? ''}`);
  if (p.status !== 'succeeded')
    throw await failure(engine, id, 'E_PREDICTION_FAILED', `the prediction ${p.status ?? 'failed'}: ${lastLine(p.error ?? undefined) ?? 'no error message'}`);
  if (o.json) return;
  const shown = showOutput(p.output, o.out, o.cwd);
  process.stdout.write(shown.stdout);
  for (const f of shown.files) process.stderr.write(`cogpack: wrote ${path.relative(o.cwd ?? process.cwd(), f) || f}\n`);
}

async function predictOn(engine: Engine, id: string, o: PredictOptions): Promise<void> {
  const port = await startModel(engine, id);
  process.stderr.write(`cogpack: started ${o.image} (container ${id.slice(0, 12)}, 127.0.0.1:${port}); waiting for setup…\n`);
  await waitReady(engine, id, port, o.pollMs ?? 250);
  const schema = await requestJson(port, 'GET', '/openapi.json').catch(() => undefined);
  const input = buildInput(o.inputs, schema?.status === 200 ? (schema.json as OpenApi) : undefined, o.cwd);
  let reply: HttpReply;
  try {
    reply = await requestJson(port, 'POST', '/predictions', { input });
  } catch (e) {
    const state = (await inspect(engine, id)).State;
    const how =
      state && !state.Running
        ? `the model exited during the prediction (exit code ${state.ExitCode ?? '?'})`
        : `the model's connection failed (${(e as Error).message})`;
    throw await failure(engine, id, 'E_PREDICTION_CRASHED', how);
  }
  await settle(engine, id, reply, o);
}

export async function predictImage(o: PredictOptions): Promise<void> {
  const engine = engineFromEnv(o.env ?? process.env);
  const id = await createModel(engine, o.image);
  let removing: Promise<void> | undefined;
  const remove = () => (removing ??= removeContainer(engine, id).catch((e: Error) => void process.stderr.write(`cogpack: warning: ${e.message}\n`)));
  const onSigint = () => {
    process.stderr.write('\ncogpack: stopping the model…\n');
    void remove().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSigint);
  try {
    await predictOn(engine, id, o);
  } finally {
    await remove();
    process.removeListener('SIGINT', onSigint);
  }
}
