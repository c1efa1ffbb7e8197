/** `cogpack pspf` (not implemented yet). */
import type { Command } from 'commander';
import { InternalError } from '../errors';

export function registerPspf(program: Command): void {
  program
    .command('pspf')
    .description('(not implemented yet)')
    .action(() => {
      throw new InternalError('E_NOT_IMPLEMENTED', 'pspf is not implemented yet');
    });
}
