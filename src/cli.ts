/** The `cogpack` command line: builds the commander program from src/commands and turns errors into one line + exit code. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CogpackError, EXIT_CODES } from './errors';
import { registerCommands } from './commands';

/**
 * Works from src/ (tsx, jest), dist/src/ (compiled) and dist/fast/ (the plan bundle). Read, not
 * required: a require() that misses walks Node's resolution and throws, on every start.
 */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const file = join(__dirname, rel);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export function buildProgram(): Command {
  const program = new Command('cogpack')
    .description('Build layer-optimised OCI model images and signed .psp executables from Python / ML projects')
    .version(packageVersion())
    .option('--debug', 'print stack traces and internal details on errors')
    .showHelpAfterError(false)
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug') || process.env.COGPACK_DEBUG === '1';
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e, debug);
  }
}

/** Prints an error as one line (a stack only with --debug) and returns the exit status for it. */
export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    // help and version are "errors" to commander; they already printed what they had to
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return EXIT_CODES.usage;
  }
  if (e instanceof CogpackError) {
    process.stderr.write(`cogpack: error: ${e.toOneLine()}\n`);
    for (const line of e.details ?? []) process.stderr.write(`  ${line}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    if (debug && e.cause instanceof Error && e.cause.stack) process.stderr.write(`caused by: ${e.cause.stack}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`cogpack: internal error: ${msg.split('\n')[0]} (rerun with --debug for details)\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT_CODES.internal;
}

if (require.main === module) void main(process.argv);
