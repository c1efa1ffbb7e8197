/**
 * The zod schema of a dependency request a block hands to the resolver. Kept apart from requests.ts
 * so the plan bundle can answer it without loading zod (src/startup/schema-stub.ts).
 */
import { z } from 'zod';

export const DependencyRequestSchema = z
  .object({
    kind: z.enum(['python', 'python-package', 'cuda', 'cudnn', 'system']),
    name: z.string().min(1),
    constraint: z.string(),
    source: z.string().min(1),
    requester: z.string().min(1),
  })
  .strict();
