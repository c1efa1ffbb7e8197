/** `cogpack plan` (not implemented yet). */
import type { Command } from 'commander';
import { InternalError } from '../errors';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('(not implemented yet)')
    .action(() => {
      throw new InternalError('E_NOT_IMPLEMENTED', 'plan is not implemented yet');
    });
}
