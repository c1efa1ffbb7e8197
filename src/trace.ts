/**
 * Start-up and build phase marks: with COGPACK_TRACE=1, `mark(name)` writes one line to stderr with the
 * wall milliseconds since the process started (performance.now()'s origin) and since the previous mark,
 * and the process's CPU milliseconds (user + system) likewise: on a shared, loaded machine wall time
 * mostly measures the neighbours, CPU time what this process did. Without the variable it does nothing.
 */
import { performance } from 'node:perf_hooks';

const enabled = process.env.COGPACK_TRACE === '1';
let last = 0;
let lastCpu = 0;
if (enabled) process.on('exit', () => mark('exit'));

export function traceEnabled(): boolean {
  return enabled;
}

export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  const u = process.cpuUsage();
  const cpu = (u.user + u.system) / 1000;
  const wall = `${now.toFixed(1).padStart(7)} ms (+${(now - last).toFixed(1)})`;
  process.stderr.write(`cogpack: trace ${wall} cpu ${cpu.toFixed(0).padStart(4)} ms (+${(cpu - lastCpu).toFixed(0)}) ${name}\n`);
  last = now;
  lastCpu = cpu;
}

/** Marks `name` when the promise settles; the promise is returned unchanged. */
export function markWhen<T>(name: string, p: Promise<T>): Promise<T> {
  if (!enabled) return p;
  return p.finally(() => mark(name));
}
