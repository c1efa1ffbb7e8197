/**
 * Checks the requests blocks hand to the resolver (a malformed one is a block bug, so cogpack's fault).
 */
import { InternalError } from '../../src/errors';
import { DependencyRequestSchema } from './requests-schema';
import type { DependencyRequest } from './types';

export { DependencyRequestSchema } from './requests-schema';

const FIXED_NAMES: Record<string, DependencyRequest['kind']> = { python: 'python', cuda: 'cuda', cudnn: 'cudnn' };

export function validateRequests(requests: DependencyRequest[]): void {
  requests.forEach((r, i) => {
    const parsed = DependencyRequestSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InternalError(
        'E_BAD_REQUEST',
        `dependency request #${i} from block ${String(r?.requester)} is malformed at ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    const expected = FIXED_NAMES[r.name];
    const fixedKind = Object.values(FIXED_NAMES).includes(r.kind) && r.kind !== 'python-package' && r.kind !== 'system';
    if ((expected && r.kind !== expected && r.kind !== 'system') || (fixedKind && r.name !== r.kind)) {
      throw new InternalError('E_BAD_REQUEST', `dependency request from block ${r.requester} has kind ${r.kind} but name ${r.name}`, {
        hint: `kind python/cuda/cudnn requests must be named after their kind`,
      });
    }
  });
}
