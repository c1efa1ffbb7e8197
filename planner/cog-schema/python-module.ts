/**
 * One parsed Python file of the project (Lezer's Python grammar): its imports, module-level assignments,
 * classes and functions by name, and 1-based lines for error messages. A file that does not parse is a
 * ConfigError at the first error node, as Python itself would refuse to import it.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { ConfigError } from '../../src/errors';

/** `from M import N [as A]` (member) or `import M [as A]` (module); `level` counts the leading dots. */
export type Binding =
  | { kind: 'import'; module: string; level: number; name?: string }
  | { kind: 'assign'; node: SyntaxNode }
  | { kind: 'class'; node: SyntaxNode }
  | { kind: 'function'; node: SyntaxNode };

export class PythonModule {
  readonly bindings = new Map<string, Binding>();
  private readonly lineStarts: number[] = [0];

  /** `file` is project-relative (POSIX). */
  constructor(
    readonly file: string,
    readonly source: string,
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    const top = parser.parse(source).topNode;
    this.checkSyntax(top);
    for (let n = top.firstChild; n; n = n.nextSibling) this.bind(n);
  }

  text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  line(node: SyntaxNode | number): number {
    const pos = typeof node === 'number' ? node : node.from;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  where(node: SyntaxNode): string {
    return `${this.file}:${this.line(node)}`;
  }

  private checkSyntax(top: SyntaxNode): void {
    const c = top.cursor();
    do {
      if (c.type.isError) {
        throw new ConfigError('E_PYTHON_SYNTAX', `${this.file} is not valid Python (syntax error near "${this.snippet(c.from)}")`, {
          file: this.file,
          line: this.line(c.from),
          hint: `fix the syntax error (python3 -m py_compile ${this.file} shows it)`,
        });
      }
    } while (c.next());
  }

  private snippet(pos: number): string {
    const end = this.source.indexOf('\n', pos);
    const start = this.source.lastIndexOf('\n', pos - 1) + 1;
    return this.source
      .slice(start, end < 0 ? undefined : end)
      .trim()
      .slice(0, 60);
  }

  /** Module-level statements only: what `from predict import X` or a type annotation can name. */
  private bind(n: SyntaxNode, into = this.bindings): void {
    if (n.name === 'DecoratedStatement') {
      const def = n.lastChild;
      if (def) this.bind(def, into);
    } else if (n.name === 'ClassDefinition' || n.name === 'FunctionDefinition') {
      const name = n.getChild('VariableName');
      if (name) into.set(this.text(name), { kind: n.name === 'ClassDefinition' ? 'class' : 'function', node: n });
    } else if (n.name === 'AssignStatement') {
      const kids = children(n);
      const value = kids[kids.length - 1];
      if (!kids.some((k) => k.name === 'AssignOp')) return;
      for (let i = 0; i + 1 < kids.length; i++) {
        const next = kids[i + 1].name;
        if (kids[i].name === 'VariableName' && (next === 'AssignOp' || next === 'TypeDef')) into.set(this.text(kids[i]), { kind: 'assign', node: value });
      }
    } else if (n.name === 'ImportStatement') {
      this.bindImport(n, into);
    } else if (n.name === 'IfStatement' || n.name === 'TryStatement') {
      // `try: from x import y / except ImportError: ...` and `if TYPE_CHECKING:` bind names too: the first branch wins
      for (const body of n.getChildren('Body').reverse()) for (let s = body.firstChild; s; s = s.nextSibling) this.bind(s, into);
    }
  }

  private bindImport(n: SyntaxNode, into: Map<string, Binding>): void {
    const kids = children(n).filter((k) => k.name !== ',');
    if (kids[0]?.name === 'from') {
      const importAt = kids.findIndex((k) => k.name === 'import');
      const head = kids.slice(1, importAt);
      const firstName = head.findIndex((k) => k.name === 'VariableName');
      const dots = firstName < 0 ? head : head.slice(0, firstName);
      const level = dots.filter((k) => k.name === '.').length + dots.filter((k) => k.name === 'Ellipsis').length * 3;
      const module = head
        .filter((k) => k.name === 'VariableName')
        .map((k) => this.text(k))
        .join('.');
      const names = kids.slice(importAt + 1).filter((k) => k.name !== '(' && k.name !== ')');
      for (let i = 0; i < names.length; i++) {
        if (names[i].name !== 'VariableName') continue;
        const name = this.text(names[i]);
        const alias = names[i + 1]?.name === 'as' ? this.text(names[i + 2]) : name;
        if (names[i - 1]?.name !== 'as') into.set(alias, { kind: 'import', module, level, name });
      }
    } else {
      // import a.b.c [as x]: without `as`, only the top package `a` is bound
      let i = 1;
      while (i < kids.length) {
        const parts: string[] = [];
        while (i < kids.length && (kids[i].name === 'VariableName' || kids[i].name === '.')) {
          if (kids[i].name === 'VariableName') parts.push(this.text(kids[i]));
          i++;
        }
        if (kids[i]?.name === 'as') {
          into.set(this.text(kids[i + 1]), { kind: 'import', module: parts.join('.'), level: 0 });
          i += 2;
        } else if (parts.length > 0) {
          into.set(parts[0], { kind: 'import', module: parts[0], level: 0 });
        } else {
          i++;
        }
      }
    }
  }
}

export function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** The class body's statements (methods, annotated fields, docstring), decorators unwrapped. */
export function classBody(cls: SyntaxNode): SyntaxNode[] {
  const body = cls.getChild('Body');
  return body ? children(body).filter((s) => s.name !== ':') : [];
}

/** A method of a class, decorators unwrapped. */
export function findMethod(cls: SyntaxNode, name: string, mod: PythonModule): { def: SyntaxNode; decorators: string[] } | undefined {
  for (const s of classBody(cls)) {
    const def = s.name === 'DecoratedStatement' ? s.lastChild : s;
    if (def?.name !== 'FunctionDefinition') continue;
    const n = def.getChild('VariableName');
    if (n && mod.text(n) === name) {
      const decorators = s.name === 'DecoratedStatement' ? s.getChildren('Decorator').map((d) => mod.text(d).slice(1).trim()) : [];
      return { def, decorators };
    }
  }
  return undefined;
}
