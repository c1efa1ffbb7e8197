/**
 * One predictor reference (`predict.py:Predictor`, `train.py:train`) read as cog 0.13.6 reads it: the
 * predict/train method's parameters become the Input model (cog's Input(...) options, x-order, choices
 * as an enum named after the parameter), its return annotation the Output model. Signatures cog refuses
 * are ConfigErrors naming file:line; what only the runtime can know is Unresolvable.
 */
import type { SyntaxNode } from '@lezer/common';
import { ConfigError } from '../../src/errors';
import { type Definitions, fieldSchema, type Json, type JsonObject, typeSchema } from './json-schema';
import { children, findMethod, type PythonModule } from './python-module';
import { type ModuleSet, Unresolvable } from './resolve';
import { type CogType, type TypeReader, typeName } from './types';
import { evaluate } from './values';

export type Mode = 'predict' | 'train';

export interface PredictorRef {
  ref: string;
  /** the cog.yaml key that holds it (run, predict or train) */
  key?: string;
  /** where the ref is written, e.g. cog.yaml line 3 */
  file: string;
  line?: number;
}

interface Param {
  name: string;
  node: SyntaxNode;
  annotation?: SyntaxNode;
  default?: SyntaxNode;
}

const INPUT_ARGS = ['default', 'description', 'ge', 'le', 'min_length', 'max_length', 'regex', 'choices'];
const ALLOWED = 'str, int, float, bool, cog.File, cog.Path, cog.Secret, or a Union or List of those types';

export class PredictorReader {
  constructor(
    private readonly set: ModuleSet,
    private readonly types: TypeReader,
    private readonly defs: Definitions,
  ) {}

  /** The method (or function) cog calls, and whether `self` comes first. */
  locate(p: PredictorRef, mode: Mode): { mod: PythonModule; def: SyntaxNode; bound: boolean } {
    const [file, name] = p.ref.split(':');
    const place = { file: p.file, line: p.line };
    if (!name || !file.endsWith('.py')) {
      throw new ConfigError('E_PREDICTOR_REF', `${mode} "${p.ref}" is not of the form file.py:Name`, {
        ...place,
        hint: `write ${mode}: "${mode}.py:Predictor"`,
      });
    }
    const mod = this.set.load(file.replace(/^\.\//, ''), place, `${mode} file`);
    const b = mod.bindings.get(name);
    const missing = (what: string, hint: string) => new ConfigError('E_PREDICTOR_MISSING', what, { file: mod.file, line: 1, hint });
    if (b?.kind === 'function') return { mod, def: b.node, bound: false };
    if (b?.kind !== 'class')
      throw missing(
        `${mod.file} defines no class or function "${name}" (cog.yaml ${p.key ?? mode}: "${p.ref}")`,
        `define class ${name} in ${mod.file} or fix ${p.key ?? mode} in cog.yaml`,
      );
    const m = findMethod(b.node, mode, mod);
    if (!m) {
      const bases = this.types.bases(mod, b.node).map((x) => this.set.resolveExpr(mod, x));
      const own = (r: (typeof bases)[number]) => r.kind === 'external' && (r.qname === 'cog.BasePredictor' || r.qname === 'builtins.object');
      if (!bases.every(own)) throw new Unresolvable(mod.where(b.node), `${name}.${mode} may be inherited from a base class`);
      throw new ConfigError('E_PREDICTOR_MISSING', `class ${name} has no ${mode}() method`, {
        file: mod.file,
        line: mod.line(b.node),
        hint: `add def ${mode}(self, ...) -> ... to ${name}`,
      });
    }
    if (m.decorators.some((d) => d === 'staticmethod')) return { mod, def: m.def, bound: false };
    if (m.decorators.length > 0) throw new Unresolvable(mod.where(m.def), `${name}.${mode} is decorated (${m.decorators.join(', ')})`);
    return { mod, def: m.def, bound: true };
  }

  params(mod: PythonModule, def: SyntaxNode, bound: boolean): Param[] {
    const list = def.getChild('ParamList')!;
    const out: Param[] = [];
    let cur: Param | undefined;
    let star = false;
    let isDefault = false;
    for (const k of children(list)) {
      if (isDefault && cur) {
        cur.default = k;
        isDefault = false;
      } else if (k.name === 'AssignOp') isDefault = true;
      else if (k.name === '*' || k.name === '**') star = true;
      else if (k.name === 'VariableName') {
        if (star) throw new Unresolvable(mod.where(k), `*${mod.text(k)} parameters are not read statically`);
        cur = { name: mod.text(k), node: k };
        out.push(cur);
      } else if (k.name === 'TypeDef' && cur) cur.annotation = k.lastChild ?? undefined;
      else if (k.name === ',') star = false; // a bare `*,` separator: keyword-only parameters follow
    }
    return bound ? out.slice(1) : out;
  }

  /** The Input (or TrainingInput) model. */
  input(p: PredictorRef, mode: Mode): JsonObject {
    const { mod, def, bound } = this.locate(p, mode);
    const properties: JsonObject = {};
    const required: string[] = [];
    this.params(mod, def, bound).forEach((prm, order) => {
      const { schema, isRequired } = this.inputField(mod, prm, order);
      properties[prm.name] = schema;
      if (isRequired) required.push(prm.name);
    });
    const title = mode === 'predict' ? 'Input' : 'TrainingInput';
    return { title, ...(required.length ? { required } : {}), type: 'object', properties };
  }

  private inputField(mod: PythonModule, prm: Param, order: number): { schema: JsonObject; isRequired: boolean } {
    const place = { file: mod.file, line: mod.line(prm.node) };
    if (!prm.annotation) {
      throw new ConfigError('E_INPUT_TYPE', `input "${prm.name}" has no type annotation`, {
        ...place,
        hint: `annotate it, e.g. ${prm.name}: str (cog accepts ${ALLOWED})`,
      });
    }
    const t = this.types.read(mod, prm.annotation);
    checkInputType(t, prm.name, place, mod.text(prm.annotation));
    const args = this.inputArgs(mod, prm);
    const isRequired = args.default === undefined;
    const where = mod.where(prm.node);
    const info = { description: args.description as string | null | undefined, default: args.default, extra: { 'x-order': order } };
    const choices = args.choices;
    if (choices !== undefined && choices !== null && !(Array.isArray(choices) && choices.length === 0)) {
      if (t.k !== 'str' && t.k !== 'int') {
        throw new ConfigError('E_INPUT_CHOICES', `input "${prm.name}" uses choices, which cog allows only on str and int inputs (it is ${typeName(t)})`, {
          ...place,
          hint: 'make it str or int, or use Literal[...] instead of choices',
        });
      }
      if (!Array.isArray(choices) || choices.some((c) => typeof c !== (t.k === 'str' ? 'string' : 'number')))
        throw new Unresolvable(where, 'choices that are not a list of the input type');
      if (hasConstraints(args)) throw new Unresolvable(where, 'constraints together with choices');
      const enumSchema: JsonObject = { title: prm.name, enum: choices, type: t.k === 'str' ? 'string' : 'integer', description: 'An enumeration.' };
      this.defs.add(prm.name, `enum:${where}`, where, () => enumSchema);
      return { schema: fieldSchema(this.defs, prm.name, t, { ...info, isEnum: true }, where, this.defs.ref(prm.name)), isRequired };
    }
    const c = constraints(t, args, where);
    const own = t.k === 'list' && Object.keys(c).length > 0 ? { type: 'array', items: { ...c, type: 'string' } } : undefined;
    return { schema: fieldSchema(this.defs, prm.name, t, { ...info, constraints: c }, where, own), isRequired };
  }

  /** `x: T = Input(...)` (positional or keyword) or a plain default `x: T = 3`. */
  private inputArgs(mod: PythonModule, prm: Param): Record<string, Json | undefined> {
    const d = prm.default;
    if (!d) return {};
    if (d.name !== 'CallExpression') return { default: this.value(mod, d) };
    const callee = this.set.resolveExpr(mod, d.firstChild!);
    if (callee.kind !== 'external' || callee.qname !== 'cog.Input')
      throw new Unresolvable(mod.where(d), `default ${mod.text(d.firstChild!)}(…) is not cog's Input`);
    const out: Record<string, Json | undefined> = {};
    const kids = children(d.getChild('ArgList')!).filter((k) => k.name !== '(' && k.name !== ')' && k.name !== ',');
    let pos = 0;
    for (let i = 0; i < kids.length; i++) {
      if (kids[i + 1]?.name === 'AssignOp') {
        const key = mod.text(kids[i]);
        if (!INPUT_ARGS.includes(key))
          throw new ConfigError('E_INPUT_ARG', `Input() has no argument "${key}"`, {
            file: mod.file,
            line: mod.line(kids[i]),
            hint: `use ${INPUT_ARGS.join(', ')}`,
          });
        out[key] = this.value(mod, kids[i + 2]);
        i += 2;
      } else if (kids[i].name === '*' || kids[i].name === '**') {
        throw new Unresolvable(mod.where(kids[i]), 'Input(*args/**kwargs)');
      } else {
        out[INPUT_ARGS[pos++]] = this.value(mod, kids[i]);
      }
    }
    return out;
  }

  /** A constant; `...` (pydantic's "required") is undefined. */
  private value(mod: PythonModule, node: SyntaxNode): Json | undefined {
    if (mod.text(node) === '...') return undefined;
    return evaluate(this.set, mod, node);
  }

  /** The Output (or TrainingOutput) model, as cog's get_output_type / get_training_output_type wrap the return type. */
  output(p: PredictorRef, mode: Mode): JsonObject {
    const { mod, def } = this.locate(p, mode);
    const title = mode === 'predict' ? 'Output' : 'TrainingOutput';
    const ret = def.getChild('TypeDef');
    if (!ret?.lastChild) {
      throw new ConfigError('E_OUTPUT_TYPE', `${mode}() has no return type annotation`, {
        file: mod.file,
        line: mod.line(def),
        hint: `add one, e.g. -> str, or -> Any if it returns several types`,
      });
    }
    const where = mod.where(ret);
    const t = this.types.read(mod, ret.lastChild);
    if (t.k === 'union' && t.items.some((x) => x.k === 'none')) {
      throw new ConfigError('E_OUTPUT_TYPE', `${mode}() returns ${mod.text(ret.lastChild)}: an Optional output is not a valid cog output type`, {
        file: mod.file,
        line: mod.line(ret),
        hint: 'return the type itself and raise an exception when there is no result',
      });
    }
    if (t.k === 'iterator' && !t.concatenate) return { title, type: 'array', items: typeSchema(this.defs, t.item, where), 'x-cog-array-type': 'iterator' };
    if (t.k === 'iterator') return { title, type: 'array', items: { type: 'string' }, 'x-cog-array-type': 'iterator', 'x-cog-array-display': 'concatenate' };
    if (t.k === 'model') {
      const other = mode === 'predict' ? 'TrainingOutput' : 'Output';
      if (t.model.name === title) return this.defs.modelSchema(t.model, title);
      if (t.model.name === other) return this.defs.modelSchema(t.model, title);
    }
    if (t.k === 'external') throw new Unresolvable(where, `output type ${t.qname} is not read statically`);
    const s = typeSchema(this.defs, t, where);
    return '$ref' in s ? s : { title, ...s };
  }
}

function hasConstraints(args: Record<string, Json | undefined>): boolean {
  return ['ge', 'le', 'min_length', 'max_length', 'regex'].some((k) => args[k] !== undefined && args[k] !== null);
}

/** pydantic's constraint keywords; on a type they do not apply to, pydantic refuses the model at runtime. */
function constraints(t: CogType, args: Record<string, Json | undefined>, where: string): JsonObject {
  const set = (k: string) => args[k] !== undefined && args[k] !== null;
  const out: JsonObject = {};
  const numeric = t.k === 'int' || t.k === 'float';
  // pydantic 1 applies min/max_length of a List[str] to the list and to each item, both as maxLength/minLength
  const text = t.k === 'str' || (t.k === 'list' && t.item.k === 'str');
  for (const k of ['ge', 'le', 'min_length', 'max_length', 'regex']) {
    if (!set(k)) continue;
    const ok = k === 'ge' || k === 'le' ? numeric : k === 'regex' ? t.k === 'str' : text;
    if (!ok) throw new Unresolvable(where, `constraint ${k} on a ${typeName(t)} input`);
  }
  // pydantic's key order: maxLength before minLength, maximum before minimum
  if (set('le')) out.maximum = args.le!;
  if (set('ge')) out.minimum = args.ge!;
  if (set('max_length')) out.maxLength = args.max_length!;
  if (set('min_length')) out.minLength = args.min_length!;
  if (set('regex')) out.pattern = args.regex!;
  return out;
}

/** cog's validate_input_type: only its seven types, and Literal/Union/List of them. */
function checkInputType(t: CogType, name: string, place: { file: string; line: number }, written: string): void {
  const bad = (what: string, hint: string) =>
    new ConfigError('E_INPUT_TYPE', `input "${name}" has type ${written}${what === written ? '' : ` (${what})`}, which cog does not accept as an input`, {
      ...place,
      hint,
    });
  switch (t.k) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
    case 'path':
    case 'file':
    case 'secret':
    case 'literal':
      return;
    case 'list':
      return checkInputType(t.item, name, place, written);
    case 'union':
      if (t.items.some((x) => x.k === 'none'))
        throw bad(written, `drop Optional (cog inputs cannot be None) and give a default, e.g. = Input(default=None); cog accepts ${ALLOWED}`);
      return t.items.forEach((x) => checkInputType(x, name, place, written));
    case 'pathlib':
      throw bad('pathlib.Path', 'use cog.Path (from cog import Path)');
    default:
      throw bad(typeName(t), `use one of ${ALLOWED}`);
  }
}
