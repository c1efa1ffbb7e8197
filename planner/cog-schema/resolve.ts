/**
 * Name resolution across the project's Python files, as the runtime's imports would see them with the
 * project directory as the working directory (how cog runs): `from lib.types import Output` is
 * lib/types.py or lib/types/__init__.py of the project, anything else is an outside module named by its
 * qualified name (`cog.Path`, `typing.List`). Also: what cogpack cannot know statically (Unresolvable).
 */
import type { SyntaxNode } from '@lezer/common';
import { projectFileExists, readProjectText } from '../project/fs-safe';
import { children, PythonModule } from './python-module';

/** What a name means. `external` names are canonical (see CANONICAL): `cog.Path`, `typing.List`, `builtins.str`. */
export type Resolved =
  | { kind: 'external'; qname: string }
  | { kind: 'module'; mod: PythonModule }
  | { kind: 'class'; mod: PythonModule; node: SyntaxNode; name: string }
  | { kind: 'function'; mod: PythonModule; node: SyntaxNode; name: string }
  | { kind: 'value'; mod: PythonModule; node: SyntaxNode };

/** Only the runtime can tell (a name from a star import, a computed default): the schema is then made at build time. */
export class Unresolvable extends Error {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** The same object under another module path: cog re-exports its types, typing_extensions mirrors typing. */
const CANONICAL: Record<string, string> = {
  'cog.types.Path': 'cog.Path',
  'cog.types.File': 'cog.File',
  'cog.types.Secret': 'cog.Secret',
  'cog.types.Input': 'cog.Input',
  'cog.types.ConcatenateIterator': 'cog.ConcatenateIterator',
  'cog.base_predictor.BasePredictor': 'cog.BasePredictor',
  'cog.BaseModel': 'pydantic.BaseModel',
  'pydantic.main.BaseModel': 'pydantic.BaseModel',
  'collections.abc.Iterator': 'typing.Iterator',
  'builtins.list': 'builtins.list',
};

function canonical(qname: string): string {
  const q = qname.replace(/^typing_extensions\./, 'typing.');
  return CANONICAL[q] ?? q;
}

const BUILTINS = new Set(['str', 'int', 'float', 'bool', 'dict', 'list', 'tuple', 'set', 'bytes', 'object', 'type', 'complex', 'frozenset']);

export class ModuleSet {
  private readonly cache = new Map<string, PythonModule>();

  constructor(readonly root: string) {}

  /** A project file by project-relative path; `ref` is where it was named (for the missing-file error). */
  load(rel: string, ref: { file: string; line?: number }, what = 'predictor file'): PythonModule {
    let mod = this.cache.get(rel);
    if (!mod) {
      mod = new PythonModule(rel, readProjectText(this.root, rel, ref, what));
      this.cache.set(rel, mod);
    }
    return mod;
  }

  /** The project file a module name denotes from `from` (level = leading dots), if it is in the project. */
  private moduleFile(from: PythonModule, module: string, level: number): string | undefined {
    const base = level === 0 ? [] : from.file.split('/').slice(0, -1);
    for (let i = 1; i < level; i++) base.pop();
    const parts = [...base, ...(module ? module.split('.') : [])];
    if (parts.length === 0) return undefined;
    const stem = parts.join('/');
    for (const rel of [`${stem}.py`, `${stem}/__init__.py`]) if (projectFileExists(this.root, rel)) return rel;
    return undefined;
  }

  private importModule(from: PythonModule, module: string, level: number, at: SyntaxNode): Resolved {
    const rel = this.moduleFile(from, module, level);
    if (rel) return { kind: 'module', mod: this.load(rel, { file: from.file, line: from.line(at) }, 'imported module') };
    if (level > 0) throw new Unresolvable(from.where(at), `relative import of "${'.'.repeat(level)}${module}" is not a file of the project`);
    return { kind: 'external', qname: module };
  }

  resolveName(mod: PythonModule, name: string, at: SyntaxNode, depth = 0): Resolved {
    if (depth > 20) throw new Unresolvable(mod.where(at), `"${name}" is imported in a cycle`);
    const b = mod.bindings.get(name);
    if (!b) {
      if (BUILTINS.has(name)) return { kind: 'external', qname: `builtins.${name}` };
      throw new Unresolvable(mod.where(at), `"${name}" is not defined or imported at module level in ${mod.file}`);
    }
    switch (b.kind) {
      case 'class':
      case 'function':
        return { kind: b.kind, mod, node: b.node, name };
      case 'assign':
        return { kind: 'value', mod, node: b.node };
      case 'import': {
        if (b.name === undefined) return this.importModule(mod, b.module, b.level, at);
        const target = this.importModule(mod, b.module, b.level, at);
        return this.member(target, b.name, mod, at, depth + 1);
      }
    }
  }

  /** `target.name`: a name in a project module (or its submodule), or a longer outside name. */
  private member(target: Resolved, name: string, from: PythonModule, at: SyntaxNode, depth: number): Resolved {
    if (target.kind === 'external') return { kind: 'external', qname: canonical(`${target.qname}.${name}`) };
    if (target.kind === 'module') {
      if (target.mod.bindings.has(name)) return this.resolveName(target.mod, name, at, depth);
      const sub = this.moduleFile(target.mod, name, 1);
      if (sub && target.mod.file.endsWith('__init__.py'))
        return { kind: 'module', mod: this.load(sub, { file: from.file, line: from.line(at) }, 'imported module') };
      throw new Unresolvable(from.where(at), `"${name}" is not defined in ${target.mod.file}`);
    }
    throw new Unresolvable(from.where(at), `cannot look up "${name}" on ${from.text(at)}`);
  }

  /** A name or dotted name (`cog.Path`, `typing.List`) used in `mod`. */
  resolveExpr(mod: PythonModule, node: SyntaxNode): Resolved {
    if (node.name === 'VariableName') return this.resolveName(mod, mod.text(node), node);
    if (node.name === 'None') return { kind: 'external', qname: 'builtins.None' };
    if (node.name === 'MemberExpression' && node.getChild('PropertyName')) {
      const kids = children(node);
      const obj = this.resolveExpr(mod, kids[0]);
      return this.member(obj, mod.text(kids[kids.length - 1]), mod, node, 0);
    }
    throw new Unresolvable(mod.where(node), `"${mod.text(node)}" is not a name`);
  }
}
