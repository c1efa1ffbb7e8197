/** The metadata fields a launcher needs (the Rust launcher's required serde fields), checked with zod. */
import { z } from 'zod';
import { PspfError } from './errors';

const SlotMeta = z.looseObject({
  slot: z.number().int().nonnegative(),
  id: z.string(),
  source: z.string(),
  target: z.string(),
  size: z.number().int().nonnegative(),
  checksum: z.string(),
  operations: z.string(),
  purpose: z.string(),
  lifecycle: z.string(),
  permissions: z.string().nullable().optional(),
});

export const MetadataSchema = z.looseObject({
  format: z.string(),
  package: z.looseObject({ name: z.string(), version: z.string() }),
  slots: z.array(SlotMeta),
  execution: z.looseObject({
    primary_slot: z.number().int().nonnegative(),
    command: z.string(),
    env: z.record(z.string(), z.string()).optional(),
  }),
});

export type PspfMetadata = z.infer<typeof MetadataSchema>;

/** Parses the metadata JSON bytes; every failure is one PspfError line naming the first bad field. */
export function parseMetadata(json: Buffer): PspfMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new PspfError('E_PSPF_METADATA', `metadata is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const r = MetadataSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PspfError('E_PSPF_METADATA', `metadata field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}
