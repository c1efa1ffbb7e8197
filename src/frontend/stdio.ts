/**
 * The frontend's transport: BuildKit runs the image with one HTTP/2 connection on stdin/stdout (the daemon
 * is the gRPC server), so stdout belongs to that connection and every log line must go to stderr.
 */
import { performance } from 'node:perf_hooks';
import { Duplex, type Readable, type Writable } from 'node:stream';

/** stdin + stdout as the one Duplex the HTTP/2 session runs on. */
export function stdioStream(input: Readable = process.stdin, output: Writable = process.stdout): Duplex {
  return Duplex.from({ readable: input, writable: output });
}

/** console.* to stderr (the daemon's log), so no stray print can corrupt the HTTP/2 stream on stdout. */
export function keepStdoutForGrpc(): void {
  const toStderr = (...args: unknown[]): void => {
    process.stderr.write(`${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

/** One line on stderr (the daemon's log), stamped with the ms since the process started, to see where time goes. */
export function log(message: string): void {
  process.stderr.write(`cogpack-frontend: [${Math.round(performance.now())} ms] ${message}\n`);
}
