/**
 * Reads pip requirements files (requirements*.txt): `-r`/`-c` includes, index options, local wheel/sdist
 * paths and PEP 508 lines, each kept with the file:line it came from. Local paths are made
 * project-relative; a path that leaves the project is an error. Semantics follow pip: includes and
 * local paths are relative to the file that names them.
 */
import { posix } from 'node:path';
import { ConfigError } from '../../src/errors';
import { projectEntry, projectPath, readProjectText, type Ref } from './fs-safe';
import { takeHashes } from './requirement-hashes';

export interface Requirement {
  /** PEP 503 normalised name; absent for a bare URL */
  name?: string;
  /** version specifier as written, e.g. "==2.3.1", ">=2.1,<2.3", "" */
  constraint: string;
  /** the line as pip should see it, local paths rewritten project-relative */
  spec: string;
  /** project-relative path of a local wheel/sdist/directory */
  local?: string;
  editable: boolean;
  /** `--hash` values (`sha256:…`); any hash puts pip, and so the pip stage, in hash-checking mode */
  hashes: string[];
  file: string;
  line: number;
}

export interface FindLinks {
  /** a URL, or a project-relative directory when `local` */
  value: string;
  local: boolean;
}

export interface Requirements {
  /** every file read, project-relative, in include order */
  files: string[];
  requirements: Requirement[];
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: FindLinks[];
  /** --trusted-host values: hosts pip may reach over plain http or with an unverified certificate */
  trustedHosts: string[];
  noIndex: boolean;
  pre: boolean;
  warnings: string[];
}

/** PEP 503: `Torch_Vision` and `torch.vision` name the same distribution as `torch-vision` (what pip compares). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function emptyRequirements(): Requirements {
  return { files: [], requirements: [], extraIndexUrls: [], findLinks: [], trustedHosts: [], noIndex: false, pre: false, warnings: [] };
}

const NAME_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;
/** One or more `OP VERSION` clauses, comma separated, optionally in parentheses (PEP 508). */
const SPEC_RE = /^\(?\s*(?:===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*(?:===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)*\)?$/;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const LOCAL_RE = /^(\.{1,2}\/|\/|file:)|\.(whl|tar\.gz|zip|tar\.bz2)$/;

/** Logical lines: comments stripped, `\` continuations joined, with the first physical line number. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!buf) start = i + 1;
    const noComment = raw.replace(/(^|\s)#.*$/, '');
    if (noComment.endsWith('\\')) {
      buf += `${noComment.slice(0, -1)} `;
      return;
    }
    const full = (buf + noComment).trim();
    buf = '';
    if (full) out.push({ text: full, line: start });
  });
  return out;
}

/** A local wheel/sdist/directory requirement: inside the project, and there (not a pip failure mid-build). */
function localRequirement(root: string, baseDir: string, p: string, ref: Ref): string {
  return projectEntry(root, baseDir, p, ref, 'requirement path');
}

/** pip's reading of a path line: it runs to the first space-separated `-option` token, markers follow ';'. */
function localPathOf(rest: string): string {
  const tokens = rest.split(' ');
  const options = tokens.findIndex((t) => t.startsWith('-'));
  return (options < 0 ? tokens : tokens.slice(0, options)).join(' ').split(';')[0].trim();
}

/** Parses a single PEP 508 / local-path requirement line. */
export function parseRequirementLine(root: string, text: string, file: string, line: number, baseDir: string): Requirement {
  let rest = text;
  let editable = false;
  const ed = /^(-e|--editable)[\s=]+(.*)$/.exec(rest);
  if (ed) [editable, rest] = [true, ed[2]];
  const { rest: unhashed, hashes } = takeHashes(rest, { file, line });
  rest = unhashed;
  const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*@\s*(\S+)(.*)$/.exec(rest);
  if (direct && direct[3].startsWith('file:')) {
    const local = localRequirement(root, baseDir, direct[3].replace(/^file:(\/\/)?/, ''), { file, line });
    return { name: normalizeName(direct[1]), constraint: '', spec: rest, local, editable, hashes, file, line };
  }
  if (!direct && !URL_RE.test(rest) && LOCAL_RE.test(localPathOf(rest))) {
    const p = localPathOf(rest).replace(/^file:(\/\/)?/, '');
    const local = localRequirement(root, baseDir, p, { file, line });
    const wheel = /^([A-Za-z0-9_.]+)-\d/.exec(posix.basename(local));
    return { name: wheel ? normalizeName(wheel[1]) : undefined, constraint: '', spec: rest, local, editable, hashes, file, line };
  }
  if (direct || URL_RE.test(rest)) {
    return { name: direct ? normalizeName(direct[1]) : undefined, constraint: '', spec: rest, editable, hashes, file, line };
  }
  const m = NAME_RE.exec(rest);
  const written = m ? m[3].split(';')[0].trim() : '';
  const constraint = written.replace(/[()\s]/g, '');
  if (!m || (written && !SPEC_RE.test(written))) {
    throw new ConfigError('E_REQUIREMENT_SYNTAX', `cannot read requirement "${text}"`, {
      file,
      line,
      hint: 'write NAME[extras] SPECIFIER, a URL, or a path starting with ./',
    });
  }
  return { name: normalizeName(m[1]), constraint, spec: rest, editable, hashes, file, line };
}

interface Walk {
  root: string;
  out: Requirements;
  stack: string[];
}

function option(w: Walk, rel: string, opt: string, value: string, line: number): void {
  const baseDir = posix.dirname(rel);
  const ref = { file: rel, line };
  if (['-r', '--requirement', '-c', '--constraint'].includes(opt)) {
    if (opt.includes('c')) w.out.warnings.push(`${rel}:${line}: constraints file ${value} is read as requirements`);
    readFile(w, projectPath(w.root, baseDir, value, ref, 'included requirements file'), ref);
  } else if (['-i', '--index-url'].includes(opt)) w.out.indexUrl = value;
  else if (opt === '--extra-index-url') w.out.extraIndexUrls.push(value);
  else if (['-f', '--find-links'].includes(opt)) {
    if (URL_RE.test(value)) w.out.findLinks.push({ value, local: false });
    else w.out.findLinks.push({ value: projectPath(w.root, baseDir, value, ref, '--find-links path'), local: true });
  } else if (opt === '--no-index') w.out.noIndex = true;
  else if (opt === '--pre') w.out.pre = true;
  else if (opt === '--trusted-host') w.out.trustedHosts.push(value);
  else if (['--prefer-binary', '--only-binary', '--no-binary', '--use-feature'].includes(opt)) {
    w.out.warnings.push(`${rel}:${line}: ${opt} is ignored by cogpack`);
  } else {
    throw new ConfigError('E_REQUIREMENT_OPTION', `unsupported option "${opt}"`, {
      ...ref,
      hint: 'use -r, -c, --index-url, --extra-index-url, --find-links, --trusted-host, --no-index or --pre',
    });
  }
}

/**
 * pip replaces `${NAME}` (upper case, digits, _) with the environment of the machine running pip. cogpack
 * plans from the project alone (the same plan on every machine, nothing of the builder's environment in a
 * layer), so such a line is refused: passing the literal on would install something else than pip would.
 */
function refuseEnvVars(text: string, file: string, line: number): void {
  const v = /\$\{([A-Z0-9_]+)\}/.exec(text);
  if (v) {
    throw new ConfigError('E_REQUIREMENT_ENV_VAR', `environment variable \${${v[1]}} in a requirements file is not supported`, {
      file,
      line,
      hint: `write the value instead of \${${v[1]}} (a credential belongs in a build.run secret mount, not in a requirements file)`,
    });
  }
}

function readFile(w: Walk, rel: string, ref: { file?: string; line?: number }): void {
  if (w.stack.includes(rel)) {
    throw new ConfigError('E_REQUIREMENT_CYCLE', `requirements file ${rel} includes itself`, { ...ref, hint: 'remove the circular -r' });
  }
  const text = readProjectText(w.root, rel, ref, 'requirements file');
  w.stack.push(rel);
  if (!w.out.files.includes(rel)) w.out.files.push(rel);
  for (const { text: l, line } of logicalLines(text)) readLine(w, rel, l, line);
  w.stack.pop();
}

/** One logical line of a requirements file (`rel`): an option or a requirement. */
function readLine(w: Walk, rel: string, l: string, line: number): void {
  refuseEnvVars(l, rel, line);
  const opt = /^(--?[a-z-]+)(?:[\s=]+(.*))?$/.exec(l);
  if (opt && !['-e', '--editable'].includes(opt[1])) {
    const needsValue = !['--no-index', '--pre', '--prefer-binary'].includes(opt[1]);
    if (needsValue && !opt[2]) {
      throw new ConfigError('E_REQUIREMENT_OPTION', `${opt[1]} needs a value`, { file: rel, line, hint: `write ${opt[1]} VALUE` });
    }
    option(w, rel, opt[1], (opt[2] ?? '').trim(), line);
  } else {
    w.out.requirements.push(parseRequirementLine(w.root, l, rel, line, posix.dirname(rel)));
  }
}

/**
 * cog.yaml `python_packages`: cog writes them as the lines of a requirements file, so an entry may be an
 * option line too (`--extra-index-url URL`, `--find-links DIR`). `lines` are the entries with their cog.yaml lines.
 */
export function parseRequirementEntries(root: string, file: string, lines: { text: string; line: number }[]): Requirements {
  const w: Walk = { root, out: emptyRequirements(), stack: [] };
  for (const { text, line } of lines) if (text.trim() !== '') readLine(w, file, text.trim(), line);
  return w.out;
}

/** Reads a requirements file (project-relative) and everything it includes. */
export function parseRequirementsFile(root: string, rel: string, ref: { file?: string; line?: number }): Requirements {
  const w: Walk = { root, out: emptyRequirements(), stack: [] };
  readFile(w, rel, ref);
  return w.out;
}
