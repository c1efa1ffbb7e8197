/** Error categories the BuildKit client throws: the daemon is unreachable, the build failed, an output cannot be written. */
import { CogpackError, type ErrorPlace } from '../errors';

/** No BuildKit answered, or it went away mid-build (exit 3). */
export class DaemonError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('daemon', code, message, place);
    this.name = 'DaemonError';
  }
}

/** The solve failed: a RUN exited non-zero, a source could not be loaded (exit 1). */
export class BuildError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('build', code, message, place);
    this.name = 'BuildError';
  }
}

/** An --output destination cannot be created or written (exit 73). */
export class OutputError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('output', code, message, place);
    this.name = 'OutputError';
  }
}

/** The user pressed Ctrl-C; the daemon-side build was cancelled (exit 130). */
export class InterruptedError extends CogpackError {
  constructor(message = 'build interrupted; the daemon cancelled it') {
    super('interrupted', 'E_INTERRUPTED', message);
    this.name = 'InterruptedError';
  }
}
