/**
 * Progress output for a solve (`--progress auto|tty|plain|rawjson|quiet`): the Status stream rendered like
 * buildx — plain numbered lines, a redrawn tty view, or one raw JSON StatusResponse per line.
 */
import { UsageError } from '../../errors';
import { VertexBook } from './progress-book';
import { renderTtyFrame } from './progress-tty';
import type { StatusResponse } from './status-types';

export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'rawjson', 'quiet'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface ProgressPrinter {
  onStatus(status: StatusResponse): void;
  /** final frame; with `failed`, the failing steps' logs are shown whatever the mode */
  finish(failed?: boolean): void;
  readonly book: VertexBook;
}

export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function parseProgressMode(value: string): ProgressMode {
  if ((PROGRESS_MODES as readonly string[]).includes(value)) return value as ProgressMode;
  throw new UsageError('E_PROGRESS', `unknown --progress "${value}"`, { hint: `use one of ${PROGRESS_MODES.join(', ')}` });
}

export function createProgress(mode: ProgressMode, out: ProgressOutput, now: () => number = Date.now): ProgressPrinter {
  const resolved = mode === 'auto' ? (out.isTTY ? 'tty' : 'plain') : mode;
  const book = new VertexBook(now);
  switch (resolved) {
    case 'plain':
      return plainPrinter(book, out);
    case 'tty':
      return ttyPrinter(book, out, now);
    case 'rawjson':
      return rawJsonPrinter(book, out);
    case 'quiet':
      return { book, onStatus: (s) => book.apply(s), finish: (failed) => failed && out.write(book.failureLogs()) };
  }
}

/** buildx plain: `#N name`, `#N 0.123 log line`, `#N DONE 1.2s` / `#N CACHED` / `#N ERROR: …`. */
function plainPrinter(book: VertexBook, out: ProgressOutput): ProgressPrinter {
  return {
    book,
    onStatus(status) {
      for (const line of book.apply(status)) out.write(`${line}\n`);
    },
    finish() {
      for (const line of book.flushPartialLogs()) out.write(`${line}\n`);
    },
  };
}

function rawJsonPrinter(book: VertexBook, out: ProgressOutput): ProgressPrinter {
  return {
    book,
    onStatus(status) {
      book.apply(status);
      out.write(`${JSON.stringify(status, (_k, v) => (isBytes(v) ? Buffer.from(bytesOf(v)).toString('base64') : v))}\n`);
    },
    finish() {
      /* every message was already written */
    },
  };
}

function isBytes(v: unknown): boolean {
  return v instanceof Uint8Array || (typeof v === 'object' && v !== null && (v as { type?: string }).type === 'Buffer');
}

function bytesOf(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : Uint8Array.from((v as { data: number[] }).data);
}

/** Redraws the vertex list in place at most every 150 ms; the final frame stays on screen. */
function ttyPrinter(book: VertexBook, out: ProgressOutput, now: () => number): ProgressPrinter {
  let lastLines = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    timer = undefined;
    const frame = renderTtyFrame(book, now(), out.columns ?? 100);
    out.write(`${lastLines > 0 ? `\x1b[${lastLines}F` : ''}${frame.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
    lastLines = frame.length;
  };
  return {
    book,
    onStatus(status) {
      book.apply(status);
      timer ??= setTimeout(draw, 150);
    },
    finish(failed) {
      if (timer) clearTimeout(timer);
      draw();
      if (failed) out.write(book.failureLogs());
    },
  };
}
