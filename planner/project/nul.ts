/**
 * A NUL character cannot pass through exec arguments, environment variables or file names (the kernel reads
 * it as the end of the string), so a command or value holding one would run cut short, or fail, mid-build.
 * YAML ("\0") and TOML ("\u0000") can both write one; the readers refuse it at the key that holds it.
 */

export type KeyPath = (string | number)[];

/** The path of the first string (or object key) below `value` that holds a NUL, or undefined. */
export function firstNul(value: unknown, path: KeyPath = []): KeyPath | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = firstNul(value[i], [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) return [...path, k];
      const hit = firstNul(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}
