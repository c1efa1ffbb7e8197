/** `cogpack build` (not implemented yet). */
import type { Command } from 'commander';
import { InternalError } from '../errors';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('(not implemented yet)')
    .action(() => {
      throw new InternalError('E_NOT_IMPLEMENTED', 'build is not implemented yet');
    });
}
