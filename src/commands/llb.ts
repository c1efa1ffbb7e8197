/** `cogpack llb` (not implemented yet). */
import type { Command } from 'commander';
import { InternalError } from '../errors';

export function registerLlb(program: Command): void {
  program
    .command('llb')
    .description('(not implemented yet)')
    .action(() => {
      throw new InternalError('E_NOT_IMPLEMENTED', 'llb is not implemented yet');
    });
}
