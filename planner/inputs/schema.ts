/** The `dev.cogpack.inputs` label read back from an image or a plan JSON: checked before it is compared. */
import { z } from 'zod';
import type { InputsRecord } from './record';

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

/** The record in a label's text, or undefined when it is not one this cogpack can read (another version, damaged). */
export function parseInputs(text: string): InputsRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = InputsRecordSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
