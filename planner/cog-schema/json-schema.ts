/**
 * pydantic 1.10's JSON Schema for the types cog uses: a type's own schema, a field's schema (title,
 * constraints, description, default, extras, and the `allOf` wrapping of a `$ref` that has them), and
 * models, whose schemas go into the document's components by class name (Definitions).
 */
import { Unresolvable } from './resolve';
import { type CogType, docstringNode, type ModelRef, type TypeReader, typeName } from './types';
import { children, classBody } from './python-module';
import { evaluate, pyString, type PyValue } from './values';
import type { ModuleSet } from './resolve';

export type Json = PyValue;
export type JsonObject = { [k: string]: Json };

/** Python's str.title() then `_` → space: pydantic's default field title (`api_token` → `Api Token`). */
export function pyTitle(name: string): string {
  let out = '';
  let prevCased = false;
  for (const c of name) {
    const cased = c.toLowerCase() !== c.toUpperCase();
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c;
    prevCased = cased;
  }
  return out.replace(/_/g, ' ');
}

/** inspect.cleandoc, which pydantic applies to a model's docstring. */
export function cleandoc(doc: string): string {
  const lines = doc.replace(/\t/g, '        ').split('\n');
  const indents = lines
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.length - l.trimStart().length);
  const margin = indents.length ? Math.min(...indents) : 0;
  const out = [lines[0].trimStart(), ...lines.slice(1).map((l) => l.slice(margin))];
  while (out.length && !out[0].trim()) out.shift();
  while (out.length && !out[out.length - 1].trim()) out.pop();
  return out.join('\n');
}

/** The document's components: one schema per model or enum name; two different things under one name cannot be made statically. */
export class Definitions {
  readonly schemas = new Map<string, { key: string; schema: JsonObject | undefined }>();

  constructor(
    private readonly set: ModuleSet,
    private readonly types: TypeReader,
    reserved: string[],
  ) {
    for (const r of reserved) this.schemas.set(r, { key: `reserved:${r}`, schema: {} });
  }

  add(name: string, key: string, where: string, make: () => JsonObject): void {
    const have = this.schemas.get(name);
    if (have) {
      if (have.key !== key) throw new Unresolvable(where, `two different schemas are named "${name}" (pydantic then renames them)`);
      if (!have.schema) throw new Unresolvable(where, `model "${name}" refers to itself`);
      return;
    }
    this.schemas.set(name, { key, schema: undefined });
    this.schemas.set(name, { key, schema: make() });
  }

  ref(name: string): JsonObject {
    return { $ref: `#/components/schemas/${name}` };
  }

  /** A model class's schema under its own name, `title` = that name. */
  model(m: ModelRef, where: string): JsonObject {
    this.add(m.name, `${m.mod.file}:${m.name}`, where, () => this.modelSchema(m, m.name));
    return this.ref(m.name);
  }

  /** The schema of a model's fields under any title (cog's `class Output(TrainingOutput)` renames one). */
  modelSchema(m: ModelRef, title: string): JsonObject {
    const fields = this.modelFields(m, 0);
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const f of fields.values()) {
      const optional = f.type.k === 'any' || (f.type.k === 'union' && f.type.items.some((t) => t.k === 'none'));
      if (f.default === undefined && !optional) required.push(f.name);
      properties[f.name] = fieldSchema(this, f.name, f.type, { default: f.default ?? null }, m.mod.file);
    }
    const out: JsonObject = { title };
    const doc = docstringNode(m.node);
    if (doc) {
      const text = pyString(m.mod.text(doc));
      if (text === undefined) throw new Unresolvable(m.mod.where(doc), 'a docstring that is not a plain string');
      out.description = cleandoc(text);
    }
    if (required.length) out.required = required;
    return { ...out, type: 'object', properties };
  }

  private modelFields(m: ModelRef, depth: number): Map<string, { name: string; type: CogType; default?: Json }> {
    if (depth > 10) throw new Unresolvable(m.mod.where(m.node), 'model inheritance too deep');
    const fields = new Map<string, { name: string; type: CogType; default?: Json }>();
    for (const base of this.types.modelBases(m)) for (const [k, v] of this.modelFields(base, depth + 1)) fields.set(k, v);
    for (const s of classBody(m.node)) {
      if (s.name === 'ClassDefinition') throw new Unresolvable(m.mod.where(s), 'a nested class (Config?) in a model is not read statically');
      if (s.name !== 'AssignStatement' || !s.getChild('TypeDef')) continue;
      const kids = children(s);
      const name = m.mod.text(kids[0]);
      if (kids[0].name !== 'VariableName' || name.startsWith('_')) continue;
      const ann = s.getChild('TypeDef')!.lastChild!;
      const type = this.types.read(m.mod, ann);
      if (type.k === 'external' && /^typing\.ClassVar/.test(type.qname)) continue;
      const value = kids[kids.length - 1];
      const hasDefault = kids.some((k) => k.name === 'AssignOp');
      if (hasDefault && value.name === 'CallExpression') throw new Unresolvable(m.mod.where(value), 'a model field with Field(…) or a computed default');
      fields.set(name, { name, type, default: hasDefault ? evaluate(this.set, m.mod, value) : undefined });
    }
    return fields;
  }
}

/** A type's schema without title (pydantic's field_singleton_schema / field_type_schema). */
export function typeSchema(defs: Definitions, t: CogType, where: string): JsonObject {
  switch (t.k) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'none':
      return { type: 'null' };
    case 'any':
      return {};
    case 'path':
    case 'file':
      return { type: 'string', format: 'uri' };
    case 'pathlib':
      return { type: 'string', format: 'path' };
    case 'secret':
      return { type: 'string', format: 'password', 'x-cog-secret': true };
    case 'dict':
      return t.value ? { type: 'object', additionalProperties: typeSchema(defs, t.value, where) } : { type: 'object' };
    case 'list':
      return { type: 'array', items: typeSchema(defs, t.item, where) };
    case 'literal':
      return { enum: t.values, type: t.type };
    case 'model':
      return defs.model(t.model, where);
    case 'union': {
      // Optional[X]: pydantic 1 leaves None out of the schema (the field is just not required)
      const members = t.items.filter((m) => m.k !== 'none');
      if (members.length === 1) return typeSchema(defs, members[0], where);
      return { anyOf: members.map((m) => typeSchema(defs, m, where)) };
    }
    case 'iterator':
    case 'external':
      throw new Unresolvable(where, `type ${typeName(t)} is not read statically here`);
  }
}

export interface FieldInfo {
  description?: string | null;
  default?: Json;
  /** JSON Schema keywords from constraints (minimum, maxLength, pattern, …), in pydantic's order */
  constraints?: JsonObject;
  extra?: JsonObject;
  /** an enum (cog's choices) named after the field: no automatic title, as pydantic does for enums */
  isEnum?: boolean;
}

/** pydantic 1's field_schema: a bare `$ref` when nothing overrides it, else `allOf` with the overrides. */
export function fieldSchema(defs: Definitions, name: string, t: CogType, info: FieldInfo, where: string, own?: JsonObject): JsonObject {
  const f = own ?? typeSchema(defs, t, where);
  const overrides: JsonObject = {};
  if (info.description !== undefined && info.description !== null) overrides.description = info.description;
  if (info.default !== undefined && info.default !== null) overrides.default = info.default;
  Object.assign(overrides, info.extra ?? {});
  if ('$ref' in f) {
    if (Object.keys(overrides).length === 0) return f;
    return { ...(info.isEnum ? {} : { title: pyTitle(name) }), allOf: [f], ...overrides };
  }
  return { title: pyTitle(name), ...(info.constraints ?? {}), ...f, ...overrides };
}
