/**
 * Build-time source of the plan bundle's stand-in for a schema module (e.g. planner/plan-schema.js):
 * every zod schema it exports becomes a facade whose safeParse runs a generated checker
 * (zod-checker.ts) and falls back to the real schema, so zod and the schemas are built only when an
 * input fails or something else of a schema is used. Plain data exports are copied in.
 */
import { isDeepStrictEqual } from 'node:util';
import { checkerModule } from './zod-checker';

function isSchema(v: unknown): v is import('zod').z.core.$ZodType {
  return typeof v === 'object' && v !== null && '_zod' in v;
}

/** A JSON literal for plain data (numbers, strings, records of them), else undefined. */
function asJson(v: unknown): string | undefined {
  if (typeof v === 'function' || v === undefined) return undefined;
  const json = JSON.stringify(v);
  return json !== undefined && isDeepStrictEqual(JSON.parse(json), v) ? json : undefined;
}

/** The runtime half of every stub: the lazy real module and the facade around one of its schemas. */
const RUNTIME = `
let real;
const load = () => real || (real = requireReal());
function facade(name, fast) {
  // only safeParse(v) takes the fast path; with params (error maps, …) zod answers
  const safeParse = (v, params) => {
    if (params === undefined) {
      const out = fast(v);
      if (out !== checkers.FAIL) return { success: true, data: out };
    }
    return load()[name].safeParse(v, params);
  };
  return new Proxy({}, {
    get: (_, k) => {
      if (k === 'safeParse') return safeParse;
      const s = load()[name];
      const x = s[k];
      return typeof x === 'function' ? x.bind(s) : x;
    },
    has: (_, k) => k in load()[name],
    getPrototypeOf: () => Object.getPrototypeOf(load()[name]),
  });
}
`;

/** `realPath` is what the stub passes to require() to load the real module (relative to the bundle). */
export function schemaStubSource(realPath: string, moduleExports: Record<string, unknown>): string {
  const schemas = Object.fromEntries(Object.entries(moduleExports).filter(([, v]) => isSchema(v))) as Record<string, import('zod').z.core.$ZodType>;
  const { source, names } = checkerModule(schemas);
  const lines = [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    // a literal require, so that a bundler sees (and can keep out) the real module
    `const requireReal = () => require(${JSON.stringify(realPath)});`,
    `const checkers = (() => { const module = { exports: {} };\n${source}\nreturn module.exports; })();`,
    RUNTIME,
  ];
  for (const [name, value] of Object.entries(moduleExports)) {
    if (name === '__esModule') continue;
    const json = isSchema(value) ? undefined : asJson(value);
    if (names.includes(name)) lines.push(`exports[${JSON.stringify(name)}] = facade(${JSON.stringify(name)}, checkers.check[${JSON.stringify(name)}]);`);
    else if (json !== undefined) lines.push(`exports[${JSON.stringify(name)}] = ${json};`);
    else lines.push(`Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`);
  }
  return `${lines.join('\n')}\n`;
}
