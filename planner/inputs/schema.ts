/**
 * The `dev.cogpack.inputs` label read back from an image or a plan JSON: checked before it is compared
 * (index.ts parseInputs). Only schemas here: the command bundles answer them with generated checkers
 * (scripts/command-bundle.ts SCHEMA_MODULES), so reading the label of the image a build replaces loads no zod.
 */
import { z } from 'zod';

const Hash = z.string();
const FilesSchema = z.object({ h: Hash, n: z.number().int().nonnegative(), m: z.record(z.string(), z.string()).optional() });

const StageSchema = z.object({
  b: z.string(),
  d: Hash,
  from: z.string(),
  ops: Hash,
  env: z.record(z.string(), Hash),
  dh: Hash,
  files: z.record(z.string(), FilesSchema).optional(),
});

export const InputsRecordSchema = z.object({
  v: z.literal(1),
  deps: z.record(z.string(), z.tuple([z.string(), z.string(), z.string()])).optional(),
  stages: z.record(z.string(), StageSchema),
});
