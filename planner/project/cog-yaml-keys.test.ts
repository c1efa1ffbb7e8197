import { z } from 'zod';
import { COG_YAML_KEYS } from './cog-yaml-keys';
import { CogYamlSchema } from './cog-yaml-schema';

type Shape = { keys: Record<string, Shape | null> } | { items: { keys: Record<string, Shape | null> } };

/** The object shapes a zod schema allows, with optional/array/union unwrapped: the key tree pruneCogYaml must match. */
function keysOf(schema: z.ZodType): Shape | null {
  if (schema instanceof z.ZodOptional) return keysOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodArray) {
    const inner = keysOf(schema.element as z.ZodType);
    return inner && 'keys' in inner ? { items: inner } : null;
  }
  if (schema instanceof z.ZodUnion) {
    const objects = (schema.options as z.ZodType[]).map(keysOf).filter((s): s is Shape => s !== null);
    return objects[0] ?? null;
  }
  if (schema instanceof z.ZodObject) {
    return { keys: Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [k, keysOf(v as z.ZodType)])) };
  }
  return null;
}

describe('COG_YAML_KEYS', () => {
  it('is the key tree of CogYamlSchema (a key added to the schema must be added to the table)', () => {
    expect(COG_YAML_KEYS).toEqual(keysOf(CogYamlSchema));
  });
});
