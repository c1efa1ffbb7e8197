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
  format: z.literal('PSPF/2025'),
  package: z.looseObject({ name: z.string(), version: z.string() }),
  slots: z.array(SlotMeta),
  execution: z.looseObject({
    primary_slot: z.number().int().nonnegative(),
    // the launcher splits it on blanks; with no word there is nothing to run
    command: z.string().regex(/[^ \t\n\r]/, 'has no command word'),
    env: z.record(z.string(), z.string()).optional(),
  }),
});

export type PspfMetadata = z.infer<typeof MetadataSchema>;

/** Parses the metadata JSON bytes; every failure is one PspfError line naming the first bad field. */
export function parseMetadata(json: Buffer): PspfMetadata {
  let raw: unknown;
  let longNumber: string | undefined;
  try {
    // ignoreBOM keeps a leading BOM in the text, so JSON.parse refuses it as the launcher does
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json);
    raw = JSON.parse(text);
    longNumber = longNumberIn(text);
  } catch (e) {
    throw new PspfError('E_PSPF_METADATA', `metadata is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (longNumber) throw new PspfError('E_PSPF_METADATA', `metadata number ${longNumber.slice(0, 20)}… is longer than 64 characters`);
  checkJsonShape(raw, 0, '(root)');
  const r = MetadataSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PspfError('E_PSPF_METADATA', `metadata field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** The launcher's JSON reader (launcher/json.c) nests at most this deep. */
const MAX_DEPTH = 64;
/** A run of number characters outside strings longer than the 64 the launcher's reader takes, if any. */
function longNumberIn(text: string): string | undefined {
  let inString = false;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    const numberChar = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b;
    run = numberChar ? run + 1 : 0;
    if (run > 64) return text.slice(i - 64, i + 1);
  }
  return undefined;
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What JSON.parse accepts but the launcher's reader refuses: nesting deeper than 64, a NUL in a string or key
 * (C strings would cut it short), and lone UTF-16 surrogates (`\udc00`).
 */
function checkJsonShape(v: unknown, depth: number, where: string): void {
  if (depth > MAX_DEPTH) throw new PspfError('E_PSPF_METADATA', `metadata nests deeper than ${MAX_DEPTH} levels at ${where}`);
  const badString = (s: string): boolean => s.includes('\0') || LONE_SURROGATE.test(s);
  if (typeof v === 'string') {
    if (badString(v)) throw new PspfError('E_PSPF_METADATA', `metadata string at ${where} holds a NUL or a lone surrogate`);
    return;
  }
  if (Array.isArray(v)) return v.forEach((x, i) => checkJsonShape(x, depth + 1, `${where}[${i}]`));
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (badString(k)) throw new PspfError('E_PSPF_METADATA', `metadata key at ${where} holds a NUL or a lone surrogate`);
    checkJsonShape(x, depth + 1, `${where}.${k}`);
  }
}
