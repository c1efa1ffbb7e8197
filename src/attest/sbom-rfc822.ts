/**
 * The header syntax dpkg's status file and Python's core metadata share (RFC 822 style): `Name: value`
 * lines, continuation lines that start with a space or tab, paragraphs separated by blank lines.
 */

/** One paragraph's fields in file order (a name may repeat, as `Classifier` does in METADATA). */
export type Fields = [name: string, value: string][];

/**
 * The fields of one header block. A continuation line joins its field's value with a newline and loses the
 * leading whitespace (dpkg's ` .` empty-line marker and METADATA's `|` are kept as written).
 */
export function parseFields(lines: readonly string[]): Fields {
  const fields: Fields = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1];
      if (last) last[1] += `\n${line.replace(/^[ \t]+/, '')}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a field (a stray line): skipped, as dpkg and email parsers are lenient here
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** Paragraphs of a file such as /var/lib/dpkg/status: blank lines separate them. */
export function parseParagraphs(text: string): Fields[] {
  const out: Fields[] = [];
  let block: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (block.length) out.push(parseFields(block));
      block = [];
    } else block.push(line);
  }
  if (block.length) out.push(parseFields(block));
  return out;
}

/** The first value of a field, names compared without case (as both formats do). */
export function field(fields: Fields, name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Every value of a field, in order. */
export function fieldAll(fields: Fields, name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Code-unit order, the same on every machine and locale (the SBOM's bytes must not depend on either). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
