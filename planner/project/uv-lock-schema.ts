/**
 * The zod schema of the uv.lock fields cogpack reads (loose: uv adds fields freely). Kept apart from
 * uv-lock.ts so the plan bundle can answer it without loading zod (src/startup/schema-stub.ts).
 */
import { z } from 'zod';

const PackageSchema = z
  .object({
    name: z.string(),
    version: z.string().optional(),
    source: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export const UvLockSchema = z
  .object({
    version: z.number().int(),
    'requires-python': z.string().optional(),
    package: z.array(PackageSchema).optional(),
  })
  .loose();
