/**
 * Start-up and build phase marks: with COGPACK_TRACE=1, `mark(name)` writes one line to stderr with the
 * milliseconds since the process started (performance.now()'s origin) and since the previous mark, so a
 * slow `cogpack build` shows where its time went without a profiler. Without the variable it does nothing.
 */
import { performance } from 'node:perf_hooks';

const enabled = process.env.COGPACK_TRACE === '1';
let last = 0;

export function traceEnabled(): boolean {
  return enabled;
}

export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  process.stderr.write(`cogpack: trace ${now.toFixed(1).padStart(7)} ms (+${(now - last).toFixed(1)}) ${name}\n`);
  last = now;
}

/** Marks `name` when the promise settles; the promise is returned unchanged. */
export function markWhen<T>(name: string, p: Promise<T>): Promise<T> {
  if (!enabled) return p;
  return p.finally(() => mark(name));
}
