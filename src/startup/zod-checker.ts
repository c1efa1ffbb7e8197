/**
 * Build-time code generator: turns zod schemas into one plain-JS module of checkers that, for input
 * the schema accepts, return exactly what `schema.safeParse(input).data` would (same keys, same key
 * order, same values) and otherwise return FAIL. The plan bundle answers safeParse with them and
 * asks zod only on FAIL (to produce the error), so a valid `cogpack plan` never loads zod.
 *
 * Only the zod features the planner's schemas use are supported, each with zod 4's exact semantics
 * for accepted input; anything else throws UnsupportedSchemaError at build time (that schema then
 * stays on zod). A checker may only be stricter than zod where zod would also fail.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

export class UnsupportedSchemaError extends Error {}

interface Ctx {
  fns: Map<Schema, string>;
  out: string[];
}

function defOf(s: Schema): Def {
  return s._zod.def as unknown as Def;
}

function checksOf(s: Schema): Record<string, unknown>[] {
  return ((defOf(s).checks as Schema[] | undefined) ?? []).map((c) => c._zod.def as unknown as Record<string, unknown>);
}

function unsupported(what: string): never {
  throw new UnsupportedSchemaError(`zod-checker: ${what} is not supported`);
}

/** Conditions (JS expressions on `v`) that zod's checks of a string, number or array impose. */
function checkConds(s: Schema): string[] {
  return checksOf(s).map((c) => {
    const name = c.format ? `${String(c.check)}:${String(c.format)}` : String(c.check);
    switch (name) {
      case 'min_length':
        return `v.length >= ${Number(c.minimum)}`;
      case 'max_length':
        return `v.length <= ${Number(c.maximum)}`;
      case 'string_format:regex': {
        const re = c.pattern as RegExp;
        if (re.global || re.sticky) unsupported('a global or sticky regex');
        return `/${re.source}/${re.flags}.test(v)`;
      }
      case 'string_format:starts_with':
        return `v.startsWith(${JSON.stringify(c.prefix)})`;
      case 'number_format:safeint':
        return 'Number.isSafeInteger(v)';
      case 'greater_than':
        return `v ${c.inclusive ? '>=' : '>'} ${Number(c.value)}`;
      case 'less_than':
        return `v ${c.inclusive ? '<=' : '<'} ${Number(c.value)}`;
      default:
        return unsupported(`check ${name}`);
    }
  });
}

/** The JS type class a schema's accepted values belong to (for unions: which option can apply). */
function category(s: Schema): string {
  const d = defOf(s);
  if (d.type === 'literal' || d.type === 'enum') {
    const values = d.type === 'literal' ? (d.values as unknown[]) : Object.values(d.entries as object);
    const kinds = new Set(values.map((v) => typeof v));
    if (kinds.size !== 1) unsupported('a literal or enum of mixed types');
    return [...kinds][0];
  }
  if (d.type === 'object' || d.type === 'record' || (d.type === 'union' && d.discriminator)) return 'object';
  if (['string', 'number', 'boolean', 'array'].includes(d.type)) return d.type;
  return unsupported(`a union option of type ${d.type}`);
}

function objectBody(s: Schema, ctx: Ctx): string[] {
  const d = defOf(s);
  if (checksOf(s).length) unsupported('object refinements');
  const shape = d.shape as Record<string, Schema>;
  const keys = Object.keys(shape);
  if (keys.includes('__proto__') || Object.getOwnPropertySymbols(shape).length) unsupported('a __proto__ or symbol key');
  const catchall = d.catchall === undefined ? 'strip' : defOf(d.catchall as Schema).type;
  if (!['strip', 'never', 'unknown'].includes(catchall)) unsupported(`an object with catchall ${catchall}`);
  const lines = ['if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;', 'const o = {};', 'let x;'];
  for (const k of keys) {
    const key = JSON.stringify(k);
    const optional = defOf(shape[k]).type === 'optional';
    // zod: an absent optional key stays absent, a present one (even undefined) is kept
    const absent = optional ? '' : 'return FAIL;';
    lines.push(`if (${key} in v) { x = ${fn(shape[k], ctx)}(v[${key}]); if (x === FAIL) return FAIL; o[${key}] = x; } else { ${absent} }`);
  }
  // strict: any other key fails; loose: other keys are copied after the shape's; strip: dropped
  const known = `k${ctx.out.length}`;
  ctx.out.push(`const ${known} = new Set(${JSON.stringify(keys)});`);
  if (catchall === 'never') lines.push(`for (const k in v) if (!${known}.has(k)) return FAIL;`);
  if (catchall === 'unknown') lines.push(`for (const k in v) if (!${known}.has(k) && k !== "__proto__") o[k] = v[k];`);
  lines.push('return o;');
  return lines;
}

function recordBody(s: Schema, ctx: Ctx): string[] {
  const d = defOf(s);
  const key = d.keyType as Schema;
  if (defOf(key).type !== 'string' || checksOf(key).length || d.mode) unsupported('a record whose keys are not plain z.string()');
  return [
    // zod's isPlainObject, narrowed: objects whose prototype is a realm's Object.prototype (or null)
    'if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;',
    'const p = Object.getPrototypeOf(v); if (p !== null && Object.getPrototypeOf(p) !== null) return FAIL;',
    'const o = {};',
    'for (const k of Reflect.ownKeys(v)) {',
    '  if (typeof k !== "string") return FAIL;',
    '  if (k === "__proto__" || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;',
    `  const x = ${fn(d.valueType as Schema, ctx)}(v[k]); if (x === FAIL) return FAIL; o[k] = x;`,
    '}',
    'return o;',
  ];
}

function unionBody(s: Schema, ctx: Ctx): string[] {
  const d = defOf(s);
  const options = d.options as Schema[];
  if (d.discriminator) {
    const disc = String(d.discriminator);
    const byValue = new Map<unknown, string>();
    for (const o of options) {
      const dd = defOf(o);
      const tag = dd.type === 'object' ? (dd.shape as Record<string, Schema>)[disc] : undefined;
      if (!tag || defOf(tag).type !== 'literal') unsupported('a discriminated union option without a literal tag');
      for (const v of defOf(tag).values as unknown[]) {
        if (typeof v !== 'string' || byValue.has(v)) unsupported('a non-string or repeated discriminator');
        byValue.set(v, fn(o, ctx));
      }
    }
    const cases = [...byValue].map(([v, f]) => `case ${JSON.stringify(v)}: return ${f}(v);`);
    return [
      'if (typeof v !== "object" || v === null || Array.isArray(v)) return FAIL;',
      `switch (v[${JSON.stringify(disc)}]) { ${cases.join(' ')} default: return FAIL; }`,
    ];
  }
  // zod takes the first option that accepts; options of distinct JS types can never both accept
  const cats = options.map(category);
  if (new Set(cats).size !== cats.length) unsupported('a union of options of the same JS type');
  const test: Record<string, string> = {
    string: 'typeof v === "string"',
    number: 'typeof v === "number"',
    boolean: 'typeof v === "boolean"',
    array: 'Array.isArray(v)',
    object: 'typeof v === "object" && v !== null && !Array.isArray(v)',
  };
  return [...options.map((o, i) => `if (${test[cats[i]]}) return ${fn(o, ctx)}(v);`), 'return FAIL;'];
}

function body(s: Schema, ctx: Ctx): string[] {
  const d = defOf(s);
  const conds = (base: string) => [`if (!(${[base, ...checkConds(s)].join(' && ')})) return FAIL;`, 'return v;'];
  switch (d.type) {
    case 'string':
      if (d.coerce) unsupported('coercion');
      return conds('typeof v === "string"');
    case 'number':
      if (d.coerce) unsupported('coercion');
      return conds('typeof v === "number" && Number.isFinite(v)');
    case 'boolean':
      if (d.coerce) unsupported('coercion');
      return conds('typeof v === "boolean"');
    case 'unknown':
      return ['return v;'];
    case 'literal':
    case 'enum': {
      const values = d.type === 'literal' ? (d.values as unknown[]) : Object.values(d.entries as object);
      if (!values.every((v) => ['string', 'number', 'boolean'].includes(typeof v) && !Number.isNaN(v))) unsupported('this literal');
      return [`return ${JSON.stringify(values)}.includes(v) ? v : FAIL;`];
    }
    case 'optional':
      return [`return v === undefined ? undefined : ${fn(d.innerType as Schema, ctx)}(v);`];
    case 'array':
      return [
        ...conds('Array.isArray(v)').slice(0, 1),
        'const o = new Array(v.length);',
        `for (let i = 0; i < v.length; i++) { const x = ${fn(d.element as Schema, ctx)}(v[i]); if (x === FAIL) return FAIL; o[i] = x; }`,
        'return o;',
      ];
    case 'tuple': {
      // fixed length only: zod fails a shorter or longer array too, and returns the parsed items in order
      const items = d.items as Schema[];
      if (d.rest || items.some((i) => defOf(i).type === 'optional')) unsupported('a tuple with rest or optional items');
      return [
        `if (!Array.isArray(v) || v.length !== ${items.length}) return FAIL;`,
        'const o = [];',
        ...items.map((it, i) => `{ const x = ${fn(it, ctx)}(v[${i}]); if (x === FAIL) return FAIL; o.push(x); }`),
        'return o;',
      ];
    }
    case 'object':
      return objectBody(s, ctx);
    case 'record':
      return recordBody(s, ctx);
    case 'union':
      return unionBody(s, ctx);
    default:
      return unsupported(`z.${d.type}()`);
  }
}

/** The name of the checker function for `s`, generating it (and what it uses) once per schema. */
function fn(s: Schema, ctx: Ctx): string {
  const known = ctx.fns.get(s);
  if (known) return known;
  const name = `c${ctx.fns.size}`;
  ctx.fns.set(s, name);
  const lines = body(s, ctx);
  ctx.out.push(`function ${name}(v) {\n  ${lines.join('\n  ')}\n}`);
  return name;
}

/**
 * A CommonJS module exporting `FAIL` and `check.<name>` for each schema it could translate; `skipped`
 * lists the others (with why). Schemas shared between names share their checker functions.
 */
export function checkerModule(schemas: Record<string, Schema>): { source: string; names: string[]; skipped: Record<string, string> } {
  const ctx: Ctx = { fns: new Map(), out: [] };
  const entries: string[] = [];
  const skipped: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const saved = { fns: new Map(ctx.fns), out: [...ctx.out] };
    try {
      entries.push(`${JSON.stringify(name)}: ${fn(schema, ctx)}`);
    } catch (e) {
      if (!(e instanceof UnsupportedSchemaError)) throw e;
      skipped[name] = e.message;
      Object.assign(ctx, saved); // drop the half-generated functions of this schema
    }
  }
  const source = [
    '"use strict";',
    '// generated by src/startup/zod-checker.ts from the zod schemas; see there',
    'const FAIL = Symbol("zod-checker.fail");',
    ...ctx.out,
    `module.exports = { FAIL, check: { ${entries.join(', ')} } };`,
  ].join('\n');
  return { source: `${source}\n`, names: Object.keys(schemas).filter((n) => !(n in skipped)), skipped };
}

/** Evaluates a checkerModule source (tests and the build use it; the bundle embeds the source). */
export function loadCheckers(source: string): { FAIL: symbol; check: Record<string, (v: unknown) => unknown> } {
  const mod = { exports: {} as { FAIL: symbol; check: Record<string, (v: unknown) => unknown> } };
  new Function('module', 'exports', source)(mod, mod.exports);
  return mod.exports;
}
