/**
 * .dockerignore-style path patterns as BuildKit's sender applies them (moby patternmatcher semantics):
 * anchored at the context root, `*` and `?` stop at `/`, `**` crosses directories, a match on a parent
 * directory matches everything below it, `!` re-includes, and the last matching pattern wins.
 */
import * as path from 'path';

export interface CompiledPattern {
  readonly source: string;
  readonly negated: boolean;
  readonly regex: RegExp;
  /** The cleaned pattern split on `/`, for deciding whether it could match below a directory. */
  readonly parts: string[];
}

/** Clean like Go's filepath.Clean, `/` separators, a leading `/` dropped (patterns are root-relative). */
export function cleanPattern(p: string): string {
  const cleaned = path.posix.normalize(p.trim());
  const noLead = cleaned.length > 1 && cleaned.startsWith('/') ? cleaned.slice(1) : cleaned;
  return noLead.length > 1 && noLead.endsWith('/') ? noLead.slice(0, -1) : noLead;
}

/** Translate one glob to a regex body; `**` only has its special meaning when `allowDoubleStar`. */
function globToRegex(glob: string, allowDoubleStar: boolean): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && allowDoubleStar && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') i++; // `**/` behaves as `**`
      out += i + 1 >= glob.length ? '.*' : '(.*/)?';
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\' && i + 1 < glob.length) out += escapeRegex(glob[++i]);
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += glob.slice(i, end + 1); // a character class, as in Go's filepath.Match (`[^…]` negates)
        i = end;
      }
    } else out += escapeRegex(ch);
  }
  return out;
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

export function compilePatterns(patterns: readonly string[]): CompiledPattern[] {
  const out: CompiledPattern[] = [];
  for (const raw of patterns) {
    let p = raw.trim();
    if (p === '' || p.startsWith('#')) continue;
    const negated = p.startsWith('!');
    if (negated) p = p.slice(1);
    p = cleanPattern(p);
    if (p === '.' || p === '') continue;
    out.push({ source: raw, negated, regex: new RegExp(`^${globToRegex(p, true)}$`), parts: p.split('/') });
  }
  return out;
}

function matchesSelfOrParent(pat: CompiledPattern, relPath: string): boolean {
  if (pat.regex.test(relPath)) return true;
  const parts = relPath.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (pat.regex.test(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

/** True when the last pattern matching `relPath` (or one of its parents) is not negated. */
export function isMatched(patterns: readonly CompiledPattern[], relPath: string): boolean {
  let matched = false;
  for (const pat of patterns) {
    if (matchesSelfOrParent(pat, relPath)) matched = !pat.negated;
  }
  return matched;
}

/** Could `pat` match some path strictly below directory `dir`? Conservative: `**` says yes. */
export function mayMatchBelow(pat: CompiledPattern, dir: string): boolean {
  const dirParts = dir.split('/');
  for (let i = 0; i < dirParts.length; i++) {
    const part = pat.parts[i];
    if (part === undefined) return false;
    if (part.includes('**')) return true;
    if (!new RegExp(`^${globToRegex(part, false)}$`).test(dirParts[i])) return false;
  }
  return pat.parts.length > dirParts.length;
}
