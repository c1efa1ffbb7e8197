/** One frame of the tty progress view: a header with elapsed time and counts, a line per step, the tail of running steps' logs. */
import type { VertexBook, VertexEntry } from './progress-book';

const LOG_TAIL = 6;

export function renderTtyFrame(book: VertexBook, now: number, columns: number): string[] {
  const { done, total } = book.counts();
  const lines = [`[+] Building ${((now - book.startedAt) / 1000).toFixed(1)}s (${done}/${total})`];
  for (const e of book.entries.values()) {
    if (e.started === undefined && !e.cached && e.completed === undefined) continue;
    lines.push(fit(` => ${e.cached ? 'CACHED ' : ''}${e.name}`, stateText(e, now), columns));
    if (e.completed === undefined && !e.cached) {
      for (const log of e.logs.slice(-LOG_TAIL)) lines.push(fit(` => > ${log}`, '', columns));
    }
  }
  return lines;
}

function stateText(e: VertexEntry, now: number): string {
  if (e.cached) return '0.0s';
  if (e.error) return 'ERROR';
  const end = e.completed ?? now;
  return `${((end - (e.started ?? end)) / 1000).toFixed(1)}s`;
}

/** name left, time right, cut to the terminal width */
function fit(left: string, right: string, columns: number): string {
  const room = Math.max(10, columns - right.length - 1);
  const l = left.length > room ? `${left.slice(0, room - 1)}…` : left.padEnd(room);
  return right ? `${l} ${right}` : l.trimEnd();
}
