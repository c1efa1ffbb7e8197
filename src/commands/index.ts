/** The registry of subcommands: one module per command, one line each. */
import type { Command } from 'commander';
import { registerPlan } from './plan';
import { registerLlb } from './llb';
import { registerBuild } from './build';
import { registerPspf } from './pspf';

export function registerCommands(program: Command): void {
  registerPlan(program);
  registerLlb(program);
  registerBuild(program);
  registerPspf(program);
}
