/**
 * Type annotations as cog sees them: `str`, `cog.Path`, `List[T]`, `Optional[T]`, `Union[...]`, `X | Y`,
 * `Literal[...]`, `Iterator[T]`, `ConcatenateIterator[T]`, `dict`, `Any`, pydantic models of the project,
 * and module-level aliases of those. Names from outside modules cog does not know stay `external`.
 */
import type { SyntaxNode } from '@lezer/common';
import { children, classBody, type PythonModule } from './python-module';
import { type ModuleSet, type Resolved, Unresolvable } from './resolve';
import { evaluate, isFloatLiteral, items, type PyValue } from './values';

export interface ModelRef {
  name: string;
  mod: PythonModule;
  node: SyntaxNode;
}

export type CogType =
  | { k: 'str' | 'int' | 'float' | 'bool' | 'path' | 'file' | 'secret' | 'any' | 'none' | 'pathlib' }
  | { k: 'dict'; value?: CogType }
  | { k: 'list'; item: CogType }
  | { k: 'union'; items: CogType[] }
  | { k: 'literal'; values: PyValue[]; type: 'string' | 'integer' | 'number' | 'boolean' }
  | { k: 'iterator'; item: CogType; concatenate: boolean }
  | { k: 'model'; model: ModelRef }
  | { k: 'external'; qname: string };

const SIMPLE: Record<string, CogType> = {
  'builtins.str': { k: 'str' },
  'builtins.int': { k: 'int' },
  'builtins.float': { k: 'float' },
  'builtins.bool': { k: 'bool' },
  'builtins.None': { k: 'none' },
  'builtins.dict': { k: 'dict' },
  'typing.Dict': { k: 'dict' },
  'typing.Any': { k: 'any' },
  'cog.Path': { k: 'path' },
  'cog.File': { k: 'file' },
  'cog.Secret': { k: 'secret' },
  'pathlib.Path': { k: 'pathlib' },
};

/** How a type reads in cog's messages: `str`, `cog.Path`, `typing.Optional[str]`. */
export function typeName(t: CogType): string {
  switch (t.k) {
    case 'path':
    case 'file':
    case 'secret':
      return `cog.${t.k[0].toUpperCase()}${t.k.slice(1)}`;
    case 'pathlib':
      return 'pathlib.Path';
    case 'none':
      return 'NoneType';
    case 'any':
      return 'typing.Any';
    case 'list':
      return `List[${typeName(t.item)}]`;
    case 'union':
      return `Union[${t.items.map(typeName).join(', ')}]`;
    case 'literal':
      return `Literal[${t.values.map((v) => JSON.stringify(v)).join(', ')}]`;
    case 'iterator':
      return `${t.concatenate ? 'ConcatenateIterator' : 'Iterator'}[${typeName(t.item)}]`;
    case 'model':
      return t.model.name;
    case 'external':
      return t.qname;
    default:
      return t.k;
  }
}

export class TypeReader {
  constructor(private readonly set: ModuleSet) {}

  read(mod: PythonModule, node: SyntaxNode, depth = 0): CogType {
    if (depth > 20) throw new Unresolvable(mod.where(node), 'type alias defined in a cycle');
    if (node.name === 'None') return { k: 'none' };
    if (node.name === 'ParenthesizedExpression') return this.read(mod, items(node)[0], depth + 1);
    if (node.name === 'BinaryExpression' && mod.text(children(node)[1]) === '|') {
      const [l, , r] = children(node);
      return union([this.read(mod, l, depth + 1), this.read(mod, r, depth + 1)]);
    }
    if (node.name === 'MemberExpression' && node.getChild('[')) return this.generic(mod, node, depth);
    if (node.name === 'VariableName' || node.name === 'MemberExpression') return this.named(this.set.resolveExpr(mod, node), mod, node, depth);
    throw new Unresolvable(mod.where(node), `type "${mod.text(node).slice(0, 60)}" is not a plain type expression`);
  }

  private named(r: Resolved, mod: PythonModule, node: SyntaxNode, depth: number): CogType {
    if (r.kind === 'external') return SIMPLE[r.qname] ?? { k: 'external', qname: r.qname };
    if (r.kind === 'value') return this.read(r.mod, r.node, depth + 1);
    if (r.kind === 'class') {
      if (this.isModel(r.mod, r.node, depth)) return { k: 'model', model: { name: r.name, mod: r.mod, node: r.node } };
      return { k: 'external', qname: `${r.mod.file.replace(/\.py$/, '').replace(/\//g, '.')}.${r.name}` };
    }
    throw new Unresolvable(mod.where(node), `"${mod.text(node)}" is not a type`);
  }

  /** A class deriving (directly or through project classes) from pydantic's BaseModel. */
  isModel(mod: PythonModule, cls: SyntaxNode, depth = 0): boolean {
    return this.bases(mod, cls).some((b) => {
      const r = this.set.resolveExpr(mod, b);
      if (r.kind === 'external') return r.qname === 'pydantic.BaseModel';
      return r.kind === 'class' && depth < 20 && this.isModel(r.mod, r.node, depth + 1);
    });
  }

  bases(mod: PythonModule, cls: SyntaxNode): SyntaxNode[] {
    const args = cls.getChild('ArgList');
    if (!args) return [];
    if (children(args).some((a) => a.name === 'AssignOp')) throw new Unresolvable(mod.where(cls), 'class keywords (metaclass=…) are not read statically');
    return items(args);
  }

  /** The project base classes that are models themselves (inherited fields come first). */
  modelBases(model: ModelRef): ModelRef[] {
    const out: ModelRef[] = [];
    for (const b of this.bases(model.mod, model.node)) {
      const r = this.set.resolveExpr(model.mod, b);
      if (r.kind === 'class' && this.isModel(r.mod, r.node)) out.push({ name: r.name, mod: r.mod, node: r.node });
    }
    if (out.length > 1) throw new Unresolvable(model.mod.where(model.node), 'a model with several model base classes');
    return out;
  }

  private generic(mod: PythonModule, node: SyntaxNode, depth: number): CogType {
    const [base, ...rest] = children(node);
    const args = rest.filter((c) => c.name !== '[' && c.name !== ']' && c.name !== ',');
    const r = this.set.resolveExpr(mod, base);
    const q = r.kind === 'external' ? r.qname : '';
    const arg = (i: number) => this.read(mod, args[i], depth + 1);
    const one = () => {
      if (args.length !== 1) throw new Unresolvable(mod.where(node), `${mod.text(base)}[…] takes one type`);
      return arg(0);
    };
    switch (q) {
      case 'typing.List':
      case 'builtins.list':
        return { k: 'list', item: one() };
      case 'typing.Optional':
        return union([one(), { k: 'none' }]);
      case 'typing.Union':
        return union(args.map((_, i) => arg(i)));
      case 'typing.Iterator':
        return { k: 'iterator', item: one(), concatenate: false };
      case 'cog.ConcatenateIterator':
        return { k: 'iterator', item: one(), concatenate: true };
      case 'typing.Dict':
      case 'builtins.dict': {
        if (args.length !== 2) throw new Unresolvable(mod.where(node), 'Dict[…] takes two types');
        const value = arg(1);
        return value.k === 'any' ? { k: 'dict' } : { k: 'dict', value };
      }
      case 'typing.Literal':
        return this.literal(mod, node, args);
      default:
        throw new Unresolvable(mod.where(node), `generic type "${mod.text(node).slice(0, 60)}" is not read statically`);
    }
  }

  private literal(mod: PythonModule, node: SyntaxNode, args: SyntaxNode[]): CogType {
    const values = args.map((a) => evaluate(this.set, mod, a));
    const kinds = new Set(
      args.map((a, i) => {
        const v = values[i];
        if (typeof v === 'string') return 'string';
        if (typeof v === 'boolean') return 'boolean';
        if (typeof v === 'number') return isFloatLiteral(mod.text(a)) ? 'number' : 'integer';
        return 'other';
      }),
    );
    const [type] = [...kinds];
    if (kinds.size !== 1 || type === 'other') throw new Unresolvable(mod.where(node), 'a Literal of mixed or non-scalar values');
    return { k: 'literal', values, type: type as 'string' | 'integer' | 'number' | 'boolean' };
  }
}

/** Flattened, with duplicates removed, as typing.Union does; a single member is the member itself. */
function union(members: CogType[]): CogType {
  const flat: CogType[] = [];
  for (const m of members) for (const x of m.k === 'union' ? m.items : [m]) if (!flat.some((f) => typeName(f) === typeName(x))) flat.push(x);
  return flat.length === 1 ? flat[0] : { k: 'union', items: flat };
}

/** Whether the class body has a docstring (pydantic uses it as the model's description). */
export function docstringNode(cls: SyntaxNode): SyntaxNode | undefined {
  const first = classBody(cls)[0];
  const expr = first?.name === 'ExpressionStatement' ? first.firstChild : undefined;
  return expr && (expr.name === 'String' || expr.name === 'ContinuedString') ? expr : undefined;
}
