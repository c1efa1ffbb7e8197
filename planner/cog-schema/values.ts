/**
 * Constant Python expressions as JSON values, the way they reach the schema: literals (strings with
 * their escapes, ints, floats, True/False/None, lists, tuples, dicts with string keys), module-level
 * constants (also from other project files), unary and arithmetic operators, and indexing. Anything
 * else (a call, an f-string with fields) is Unresolvable: only the runtime knows it.
 */
import type { SyntaxNode } from '@lezer/common';
import { children, type PythonModule } from './python-module';
import { type ModuleSet, Unresolvable } from './resolve';

export type PyValue = null | boolean | number | string | PyValue[] | { [k: string]: PyValue };

/** Python-style float marker: 1.0 prints as 1 in JSON either way; kept only to tell int from float. */
export function isFloatLiteral(text: string): boolean {
  return !/^0[xXoObB]/.test(text) && /[.eE]/.test(text);
}

export function evaluate(set: ModuleSet, mod: PythonModule, node: SyntaxNode, depth = 0): PyValue {
  const fail = (why: string): never => {
    throw new Unresolvable(mod.where(node), `${why}: ${mod.text(node).slice(0, 60)}`);
  };
  if (depth > 30) fail('constant defined in a cycle');
  switch (node.name) {
    case 'Number':
      return number(mod.text(node)) ?? fail('not a real number');
    case 'String':
      return pyString(mod.text(node)) ?? fail('not a plain string literal');
    case 'ContinuedString':
      return children(node)
        .map((s) => (s.name === 'String' ? pyString(mod.text(s)) : undefined) ?? fail('not a plain string literal'))
        .join('');
    case 'Boolean':
      return mod.text(node) === 'True';
    case 'None':
      return null;
    case 'ParenthesizedExpression':
      return evaluate(set, mod, items(node)[0] ?? fail('empty parentheses'), depth + 1);
    case 'ArrayExpression':
    case 'TupleExpression':
      return items(node).map((n) => evaluate(set, mod, n, depth + 1));
    case 'DictionaryExpression':
      return dict(set, mod, node, depth);
    case 'UnaryExpression':
      return unary(mod.text(node.firstChild!), evaluate(set, mod, node.lastChild!, depth + 1)) ?? fail('unsupported operator');
    case 'BinaryExpression': {
      const [l, op, r] = children(node);
      return binary(mod.text(op), evaluate(set, mod, l, depth + 1), evaluate(set, mod, r, depth + 1)) ?? fail('unsupported operation');
    }
    case 'VariableName':
    case 'MemberExpression': {
      if (node.name === 'MemberExpression' && node.getChild('[')) return index(set, mod, node, depth);
      const r = set.resolveExpr(mod, node);
      if (r.kind !== 'value') return fail('not a constant');
      return evaluate(set, r.mod, r.node, depth + 1);
    }
    default:
      return fail('not a constant expression');
  }
}

/** The expressions inside brackets/parentheses, without punctuation. */
export function items(node: SyntaxNode): SyntaxNode[] {
  return children(node).filter((c) => !['(', ')', '[', ']', '{', '}', ',', ':'].includes(c.name));
}

function dict(set: ModuleSet, mod: PythonModule, node: SyntaxNode, depth: number): PyValue {
  const kv = items(node);
  const out: Record<string, PyValue> = {};
  for (let i = 0; i + 1 < kv.length; i += 2) {
    const k = evaluate(set, mod, kv[i], depth + 1);
    if (typeof k !== 'string') throw new Unresolvable(mod.where(kv[i]), 'a dict key that is not a string');
    out[k] = evaluate(set, mod, kv[i + 1], depth + 1);
  }
  return out;
}

function index(set: ModuleSet, mod: PythonModule, node: SyntaxNode, depth: number): PyValue {
  const [obj, ...rest] = children(node);
  const key = rest.filter((c) => c.name !== '[' && c.name !== ']');
  const v = evaluate(set, mod, obj, depth + 1);
  const k = key.length === 1 ? evaluate(set, mod, key[0], depth + 1) : undefined;
  if ((Array.isArray(v) || typeof v === 'string') && typeof k === 'number' && Number.isInteger(k)) {
    const at = k < 0 ? v.length + k : k;
    if (at >= 0 && at < v.length) return v[at];
  } else if (v && typeof v === 'object' && !Array.isArray(v) && typeof k === 'string' && k in v) {
    return v[k];
  }
  throw new Unresolvable(mod.where(node), `cannot index: ${mod.text(node).slice(0, 60)}`);
}

function number(text: string): number | undefined {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return undefined;
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function unary(op: string, v: PyValue): PyValue | undefined {
  if (typeof v !== 'number' && typeof v !== 'boolean') return op === 'not' ? !truthy(v) : undefined;
  const n = Number(v);
  return op === '-' ? -n : op === '+' ? n : op === 'not' ? !v : undefined;
}

function truthy(v: PyValue): boolean {
  if (Array.isArray(v) || typeof v === 'string') return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function binary(op: string, a: PyValue, b: PyValue): PyValue | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? undefined : a / b;
      case '//':
        return b === 0 ? undefined : Math.floor(a / b);
      case '%':
        return b === 0 ? undefined : a - b * Math.floor(a / b);
      case '**':
        return a ** b;
    }
    return undefined;
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === '*' && typeof a === 'string' && typeof b === 'number' && Number.isInteger(b)) return a.repeat(Math.max(0, b));
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A Python str literal's value (prefixes r/u; b and f with fields are not plain strings: undefined). */
export function pyString(lit: string): string | undefined {
  const m = /^([rRuUfFbB]*)('''|"""|'|")([\s\S]*)\2$/.exec(lit);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('b')) return undefined;
  if (prefix.includes('f') && /\{[^{]/.test(m[3].replace(/\{\{/g, ''))) return undefined;
  let body = m[3];
  if (prefix.includes('f')) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  if (prefix.includes('r')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === '\n') continue;
    else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(oct, 8));
      i += oct.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (e === 'N') return undefined;
    else out += `\\${e}`;
  }
  return out;
}
