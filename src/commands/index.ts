/**
 * The registry of subcommands: one module per command, one line each. Modules are required lazily:
 * when argv names a known command only that module loads (a command's heavy dependencies never slow
 * down another command's start-up); anything else (help, no command) loads them all.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, () => Register> = {
  plan: () => require('./plan').registerPlan,
  llb: () => require('./llb').registerLlb,
  build: () => require('./build').registerBuild,
  predict: () => require('./predict').registerPredict,
  pspf: () => require('./pspf').registerPspf,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function registerCommands(program: Command, argv: string[] = process.argv): void {
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const only = named !== undefined && named in COMMANDS ? named : undefined;
  for (const [name, load] of Object.entries(COMMANDS)) if (!only || only === name) load()(program);
}
