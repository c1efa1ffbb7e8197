/** `[tool.flavor]` in pyproject.toml → writer options: package, command, slots, env and workenv sections. */
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { readRegularFile } from '../regular-file';
import type { JsonObject } from './metadata';
import type { SlotInput } from './writer';

const SlotSchema = z.strictObject({
  id: z.string().min(1),
  source: z.string().min(1),
  operations: z.string().default('raw'),
  purpose: z.string().default('data'),
  lifecycle: z.string().default('runtime'),
  target: z.string().optional(),
  permissions: z.string().optional(),
});

const FlavorSchema = z.strictObject({
  name: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  output: z.string().optional(),
  launcher: z.string().optional(),
  command: z.string().optional(),
  entry_point: z.string().optional(),
  primary_slot: z.number().int().nonnegative().default(0),
  page_aligned: z.boolean().default(true),
  compression_level: z.number().int().min(1).max(9).default(6),
  execution: z.strictObject({ env: z.record(z.string(), z.string()).optional() }).optional(),
  slots: z.array(SlotSchema).default([]),
  runtime: z.record(z.string(), z.unknown()).optional(),
  workenv: z.record(z.string(), z.unknown()).optional(),
  setup_commands: z.array(z.record(z.string(), z.unknown())).optional(),
  cache_validation: z.record(z.string(), z.unknown()).optional(),
});

export type FlavorManifest = z.infer<typeof FlavorSchema>;

export interface LoadedManifest {
  dir: string; // the manifest's directory: slot sources and output are relative to it
  name?: string;
  version?: string;
  description?: string;
  flavor: FlavorManifest;
}

function fail(file: string, msg: string, hint?: string): never {
  throw new ConfigError('E_PSPF_MANIFEST', msg, { file, hint });
}

/** Reads pyproject.toml; package name/version/description fall back to `[project]`. */
export function loadManifest(file: string): LoadedManifest {
  let doc: Record<string, unknown>;
  const text = readRegularFile(file, {
    kind: 'project-text',
    what: `manifest ${file}`,
    fail: (code, message, hint) => new ConfigError(code, message, { file, hint }),
  });
  try {
    doc = parseToml(text.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    fail(file, `cannot read manifest: ${(e as Error).message.split('\n')[0]}`);
  }
  const project = (doc.project ?? {}) as Record<string, unknown>;
  const tool = (doc.tool ?? {}) as Record<string, unknown>;
  if (!tool.flavor) fail(file, 'no [tool.flavor] table', 'add [tool.flavor] with command and [[tool.flavor.slots]]');
  const r = FlavorSchema.safeParse(tool.flavor);
  if (!r.success) {
    const i = r.error.issues[0];
    fail(file, `tool.flavor.${i.path.join('.')}: ${i.message}`);
  }
  if (!r.data.command && r.data.entry_point) {
    fail(file, 'tool.flavor.entry_point needs a built Python environment', 'set tool.flavor.command, or use cogpack build --output type=psp');
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    dir: path.dirname(path.resolve(file)),
    name: r.data.name ?? str(project.name),
    version: r.data.version ?? str(project.version),
    description: r.data.description ?? str(project.description),
    flavor: r.data,
  };
}

/** Slot inputs with sources resolved against the manifest directory (recorded in metadata as written). */
export function manifestSlots(m: LoadedManifest): SlotInput[] {
  return m.flavor.slots.map((s) => ({
    id: s.id,
    content: { kind: 'path', path: path.resolve(m.dir, s.source) },
    source: s.source,
    operations: s.operations,
    purpose: s.purpose,
    lifecycle: s.lifecycle,
    target: s.target,
    permissions: s.permissions,
  }));
}

/** The optional metadata sections, passed through to the writer as given. */
export function manifestSections(f: FlavorManifest): JsonObject {
  const out: JsonObject = {};
  if (f.runtime) out.runtime = f.runtime as JsonObject;
  if (f.workenv) out.workenv = f.workenv as JsonObject;
  if (f.setup_commands) out.setup_commands = f.setup_commands as JsonObject[];
  if (f.cache_validation) out.cache_validation = f.cache_validation as JsonObject;
  return out;
}
