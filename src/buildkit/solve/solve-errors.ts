/** Turns a failed Control.Solve into one clear cogpack error: a build failure (naming the step) or a vanished daemon. */
import { GRPC_STATUS } from '../connection/h2-grpc';
import type { Vertex } from '../progress/status-types';
import { BuildError, DaemonError } from '../errors';
import type { CogpackError } from '../../errors';

const DAEMON_GONE: number[] = [GRPC_STATUS.UNAVAILABLE, GRPC_STATUS.CANCELLED];

/** What a failed call carries: GrpcCallError (h2-grpc) and grpc-js's ServiceError both fit. */
export interface CallFailure {
  code: number;
  details?: string;
  message: string;
}

export function solveError(err: CallFailure, vertices: Map<string, Vertex>, addr: string): CogpackError {
  const details = (err.details || err.message || '').trim();
  if (DAEMON_GONE.includes(err.code) || /RST_STREAM|Connection dropped|ECONNRESET|socket hang up|Protocol error/i.test(details)) {
    return new DaemonError('E_DAEMON_GONE', `BuildKit at ${addr} went away mid-build (${firstLine(details)})`, {
      hint: 'check that the daemon is still running, then build again',
      cause: err,
    });
  }
  const failed = [...vertices.values()].find((v) => v.error && !/context canceled/.test(v.error));
  const exit = /exit code: (\d+)/.exec(details);
  if (failed && exit) {
    return new BuildError('E_RUN_FAILED', `step "${failed.name ?? failed.digest}" failed with exit code ${exit[1]}`, { cause: err });
  }
  const where = failed?.name ? `step "${failed.name}": ` : '';
  return new BuildError('E_SOLVE', `${where}${firstLine(details.replace(/^failed to solve: /, ''))}`, { cause: err });
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 500);
}
