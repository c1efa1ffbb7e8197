/**
 * The one error type cogpack throws on purpose: a code, a place (file and line where known) and a fix.
 * The CLI prints it as a single line and exits with the code's exit status; stack traces only with --debug.
 */

/** Exit status per category. Each category has its own status so scripts and CI can tell them apart. */
export const EXIT_CODES = {
  build: 1, // the build itself failed (a RUN step exited non-zero, the solve failed)
  model: 1, // the model failed under `cogpack predict` (setup, rejected input, failed prediction): the user's code, as a failed RUN
  config: 2, // the user's project is wrong (cog.yaml, pyproject.toml, requirements, conflicting pins)
  daemon: 3, // no BuildKit answered, or it went away mid-build
  pspf: 4, // a .psp package failed verification or could not be read
  usage: 64, // bad command-line flags (EX_USAGE)
  internal: 70, // cogpack's own fault (EX_SOFTWARE)
  output: 73, // an output path cannot be created or written (EX_CANTCREAT)
  interrupted: 130, // SIGINT
} as const;

export type ErrorCategory = keyof typeof EXIT_CODES;

export interface ErrorPlace {
  file?: string;
  line?: number;
  hint?: string;
  cause?: unknown;
  /** lines printed after the one-line error (e.g. the model's log tail) */
  details?: string[];
}

export class CogpackError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;
  readonly details?: string[];
  override readonly cause?: unknown;

  constructor(category: ErrorCategory, code: string, message: string, place: ErrorPlace = {}) {
    super(message);
    this.name = 'CogpackError';
    this.category = category;
    this.code = code;
    this.file = place.file;
    this.line = place.line;
    this.hint = place.hint;
    this.details = place.details;
    this.cause = place.cause;
  }

  get exitCode(): number {
    return EXIT_CODES[this.category];
  }

  /** `cog.yaml:12: python_version "2.7" is not supported; fix: use 3.10–3.13 [E_PYTHON_VERSION]` */
  toOneLine(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    const fix = this.hint ? `; fix: ${this.hint}` : '';
    return `${where}${this.message}${fix} [${this.code}]`.replace(/\s*\n\s*/g, ' ');
  }
}

export class ConfigError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('config', code, message, place);
    this.name = 'ConfigError';
  }
}

export class UsageError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('usage', code, message, place);
    this.name = 'UsageError';
  }
}

/** The model failed under `cogpack predict` (setup, rejected input, failed prediction); details hold its log tail. */
export class ModelError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('model', code, message, place);
    this.name = 'ModelError';
  }
}

export class InternalError extends CogpackError {
  constructor(code: string, message: string, place: ErrorPlace = {}) {
    super('internal', code, message, place);
    this.name = 'InternalError';
  }
}

export function isCogpackError(e: unknown): e is CogpackError {
  return e instanceof CogpackError;
}
