/**
 * The frontend process: speaks LLBBridge to the daemon over stdin/stdout and exits when the result (or the
 * error) has been returned. Run directly (dist/src/frontend/main.js) or from the bundle by launch.ts.
 */
import { performance } from 'node:perf_hooks';
import { H2GrpcClient } from '../buildkit/connection/h2-grpc';
import { runFrontend } from './run';
import { keepStdoutForGrpc, log, stdioStream } from './stdio';

export async function main(): Promise<void> {
  keepStdoutForGrpc();
  // wall clock of the process start, to line this log up with the daemon's and the client's timestamps
  log(`started (process start ${new Date(performance.timeOrigin).toISOString()}, now ${new Date().toISOString()})`);
  // stdin is the only handle keeping Node alive, and it stops being "active" while the HTTP/2 reader is
  // paused waiting for a reply: without a ref'd timer the process would exit mid-call.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const client = new H2GrpcClient(stdioStream());
    const status = await runFrontend(client, process.env);
    clearInterval(keepAlive);
    // Exit without closing the connection first: the daemon treats stdout closing before the process ends
    // as "frontend grpc server closed unexpectedly", even after a successful Return.
    process.exit(status);
  } catch (e) {
    log(`fatal: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
