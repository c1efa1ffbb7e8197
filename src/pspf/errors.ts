/** The one error type for everything PSPF: a malformed, tampered or unsupported package, or bad pack input. */
import { CogpackError, type ErrorPlace } from '../errors';

/** Category `pspf` (exit status 4). `code` says which check failed, the message says where. */
export class PspfError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('pspf', code, message, place);
    this.name = 'PspfError';
  }
}

/** Throws a PspfError with `code` unless `cond` holds; keeps the many bounds checks to one line each. */
export function ensure(cond: boolean, code: string, message: string): asserts cond {
  if (!cond) throw new PspfError(code, message);
}
