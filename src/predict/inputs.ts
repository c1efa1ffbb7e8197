/**
 * `-i name=value` flags → the prediction's `input` object, typed by the model's OpenAPI schema
 * (components.schemas.Input): integers, numbers, booleans, strings, lists (the flag repeated), and
 * `name=@path` read as a file and sent as a data URL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../errors';

export interface RawInput {
  name: string;
  value: string;
}

/** The parts of an OpenAPI property cogpack reads. */
export interface PropertySchema {
  type?: string;
  format?: string;
  items?: PropertySchema;
  allOf?: { $ref?: string }[];
  $ref?: string;
  enum?: unknown[];
}

export interface OpenApi {
  components?: { schemas?: Record<string, { properties?: Record<string, PropertySchema>; type?: string; enum?: unknown[] }> };
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

export const mimeOf = (file: string): string => MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** Splits `name=value` flags (checked before anything is built or started). */
export function parseInputFlags(flags: string[]): RawInput[] {
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError('E_INPUT_FLAG', `-i "${flag}" is not name=value`, { hint: 'write -i prompt="a cat" or -i image=@photo.png' });
    return { name: flag.slice(0, eq), value: flag.slice(eq + 1) };
  });
}

/** `@path` → a data URL of the file's bytes; a missing file is a usage error naming it. */
export function fileToDataUrl(file: string, cwd = process.cwd()): string {
  const full = path.resolve(cwd, file);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
    throw new UsageError('E_INPUT_FILE', `input file ${file} does not exist`, { hint: 'the path after @ is read from the current directory' });
  }
  return `data:${mimeOf(full)};base64,${fs.readFileSync(full).toString('base64')}`;
}

/** The property's own type: `allOf: [{$ref}]` (cog's choices) points at a schema of its own. */
function resolve(prop: PropertySchema, api: OpenApi): PropertySchema {
  const ref = prop.$ref ?? prop.allOf?.find((a) => a.$ref)?.$ref;
  const name = ref?.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
  const target = name ? api.components?.schemas?.[name] : undefined;
  return target ? { ...prop, type: target.type ?? prop.type, enum: target.enum } : prop;
}

const TRUE = ['true', 't', '1', 'yes'];
const FALSE = ['false', 'f', '0', 'no'];

function typed(name: string, value: string, prop: PropertySchema | undefined, cwd: string): unknown {
  if (value.startsWith('@')) return fileToDataUrl(value.slice(1), cwd);
  const bad = (what: string) => new UsageError('E_INPUT_TYPE', `input ${name}: "${value}" is not ${what}`, { hint: `pass -i ${name}=<${what}>` });
  switch (prop?.type) {
    case 'integer':
      if (!/^[-+]?\d+$/.test(value.trim())) throw bad('an integer');
      return Number(value);
    case 'number':
      if (value.trim() === '' || !Number.isFinite(Number(value))) throw bad('a number');
      return Number(value);
    case 'boolean':
      if (TRUE.includes(value.toLowerCase())) return true;
      if (FALSE.includes(value.toLowerCase())) return false;
      throw bad('true or false');
    default:
      return value;
  }
}

/** The `input` object: each flag typed by its property; a list property collects every flag of that name. */
export function buildInput(raw: RawInput[], api: OpenApi | undefined, cwd = process.cwd()): Record<string, unknown> {
  const props = api?.components?.schemas?.Input?.properties;
  const input: Record<string, unknown> = {};
  for (const { name, value } of raw) {
    if (props && !(name in props)) {
      throw new UsageError('E_INPUT_UNKNOWN', `the model has no input "${name}"`, { hint: `its inputs: ${Object.keys(props).join(', ') || '(none)'}` });
    }
    const prop = props ? resolve(props[name], api!) : undefined;
    if (prop?.type === 'array') {
      const items = prop.items ? resolve(prop.items, api!) : undefined;
      input[name] = [...((input[name] as unknown[] | undefined) ?? []), typed(name, value, items, cwd)];
    } else {
      input[name] = typed(name, value, prop, cwd);
    }
  }
  return input;
}
