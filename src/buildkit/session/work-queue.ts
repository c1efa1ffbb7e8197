/** A tiny bounded task runner: at most `limit` async tasks at once, and a way to wait until all are done. */

export interface WorkQueue {
  push(task: () => Promise<void>): void;
  /** Resolves once nothing is queued or running. */
  drained(): Promise<void>;
}

export function workQueue(limit: number, onError: (e: Error) => void): WorkQueue {
  const queued: (() => Promise<void>)[] = [];
  const idle: (() => void)[] = [];
  let running = 0;
  const pump = (): void => {
    while (running < limit && queued.length > 0) {
      const task = queued.shift()!;
      running++;
      task()
        .catch(onError)
        .finally(() => {
          running--;
          pump();
        });
    }
    if (running === 0 && queued.length === 0) idle.splice(0).forEach((r) => r());
  };
  return {
    push(task) {
      queued.push(task);
      pump();
    },
    drained() {
      return running === 0 && queued.length === 0 ? Promise.resolve() : new Promise((r) => idle.push(r));
    },
  };
}
