/**
 * Which .dockerignore patterns docker refuses: its matcher (moby/patternmatcher) first checks each pattern
 * with Go's filepath.Match syntax, then turns it into a Go regexp, and either failing is ErrBadPattern for
 * the whole build. cogpack matches with another library that accepts these, so they are refused here by
 * the same rules, at plan time, instead of breaking `docker buildx build` or a cog build of the same project.
 */

/** Escapes Go's regexp reads after a `\` (docker passes `\x` through to the regexp unchanged). */
const REGEXP_ESCAPES = new Set('afnrtvdswDSW0');
const REGEXP_ESCAPES_OUTSIDE_CLASS = new Set('AzbB');

function escapeProblem(c: string, inClass: boolean): string | undefined {
  const word = /[A-Za-z0-9]/.test(c);
  if (c.charCodeAt(0) < 0x80 && !word) return undefined;
  if (REGEXP_ESCAPES.has(c) || (!inClass && REGEXP_ESCAPES_OUTSIDE_CLASS.has(c))) return undefined;
  return `"\\${c}" is not an escape docker can read`;
}

/** One class member (Go's getEsc): a rune, `\`-escaped or not; never `-` or `]` first, and the class must go on. */
function classMember(p: string, i: number): { rune: string; next: number } | string {
  if (i >= p.length || p[i] === '-' || p[i] === ']') return i >= p.length ? 'a "[" is never closed' : `"${p[i]}" cannot start a range in [...]`;
  if (p[i] === '\\') {
    if (i + 1 >= p.length) return 'the pattern ends in "\\"';
    const bad = escapeProblem(p[i + 1], true);
    if (bad) return bad;
    i++;
  }
  const rune = String.fromCodePoint(p.codePointAt(i)!);
  const next = i + rune.length;
  return next >= p.length ? 'a "[" is never closed' : { rune, next };
}

/** Parses `[...]` starting after the `[`; returns the index after `]`, or why docker refuses it. */
function classEnd(p: string, start: number): number | string {
  let i = p[start] === '^' ? start + 1 : start;
  for (let n = 0; ; n++) {
    if (p[i] === ']' && n > 0) return i + 1;
    const lo = classMember(p, i);
    if (typeof lo === 'string') return lo;
    i = lo.next;
    if (p[i] !== '-') continue;
    const hi = classMember(p, i + 1);
    if (typeof hi === 'string') return hi;
    if (hi.rune.codePointAt(0)! < lo.rune.codePointAt(0)!) return `the range "${lo.rune}-${hi.rune}" is reversed`;
    i = hi.next;
  }
}

/** Why docker refuses a .dockerignore line (already trimmed, comments dropped), or undefined when it takes it. */
export function dockerPatternProblem(line: string): string | undefined {
  const p = line.startsWith('!') ? line.slice(1).trim() : line;
  if (line.startsWith('!') && p === '') return 'a "!" alone excludes nothing';
  for (let i = 0; i < p.length;) {
    if (p[i] === '[') {
      const end = classEnd(p, i + 1);
      if (typeof end === 'string') return end;
      i = end;
    } else if (p[i] === '\\') {
      if (i + 1 >= p.length) return 'the pattern ends in "\\"';
      const bad = escapeProblem(p[i + 1], false);
      if (bad) return bad;
      i += 2;
    } else {
      i++;
    }
  }
  return undefined;
}
