/**
 * Literal paths inside BuildKit patterns. Context include/exclude lists and Copy sources (the converter
 * allows wildcards, as Dockerfile COPY does) are globs, so a project path holding `*`, `?` or `[` would
 * match other files (`x*.bin` also matches `xy.bin`) or miss itself (`w[1].bin` matches only `w1.bin`).
 */

/**
 * Each glob character as a one-character class (`x*.bin` → `x[*].bin`): a class is literal in Go's
 * filepath.Match (Copy), moby's patternmatcher (buildx) and our session matcher alike, whereas a
 * backslash escape turns a Copy source into a non-wildcard path that keeps the backslash.
 */
export function literalGlob(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}
