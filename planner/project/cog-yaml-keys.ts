/**
 * The keys cog.yaml may hold, as cog's own parser treats them: cog reads the file into Go structs with
 * yaml.v2, which drops keys it has no field for, and a YAML null sets nothing. So cogpack drops unknown
 * keys too, with one warning each (file:line, the likely key when it looks like a typo, the replacement
 * when cog removed it), and drops nulls, before the strict schema sees the data.
 */
import { REMOVED_FIELDS } from './cog-yaml-schema';

/** A mapping's known keys; a key maps to the shape of its value (a mapping, or a list of mappings) or to null (a scalar). */
interface MapShape {
  keys: Record<string, Shape | null>;
}
interface ListShape {
  items: MapShape;
}
type Shape = MapShape | ListShape;

const map = (keys: Record<string, Shape | null>): MapShape => ({ keys });
const list = (items: MapShape): ListShape => ({ items });

const BUILD = map({
  python_version: null,
  python_requirements: null,
  python_packages: null,
  system_packages: null,
  gpu: null,
  cuda: null,
  cudnn: null,
  pre_install: null,
  sdk_version: null,
  run: list(map({ command: null, mounts: list(map({ type: null, id: null, target: null })) })),
});

/** Kept equal to CogYamlSchema's keys by cog-yaml-keys.test.ts (this table must not need zod: the fast path stubs it). */
/** A path into cog.yaml: keys and sequence indexes. */
export type YamlPath = (string | number)[];

export const COG_YAML_KEYS = map({
  build: BUILD,
  run: null,
  predict: null,
  train: null,
  image: null,
  model: null,
  environment: null,
  concurrency: map({ max: null }),
  weights: list(map({ name: null, target: null, source: map({ uri: null, include: null, exclude: null }) })),
});

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Edit distance, for "did you mean": keys are short, so the quadratic table is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The key the user probably meant: a near spelling at the same level, or the same name at the top level / under build. */
function likelyKey(key: string, here: MapShape, path: YamlPath): string | undefined {
  const near = Object.keys(here.keys)
    .map((k) => ({ k, d: distance(key.toLowerCase(), k) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(k.length / 4)))
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))[0];
  if (near) return [...path, near.k].join('.');
  if (path.length > 0 && key in COG_YAML_KEYS.keys) return `${key} (at the top level)`;
  if (path.join('.') !== 'build' && key in BUILD.keys) return `build.${key}`;
  return undefined;
}

function unknownKeyWarning(key: string, here: MapShape, path: YamlPath, where: string): string {
  const name = [...path, key].join('.');
  const removed = REMOVED_FIELDS[key];
  if (removed) return `${where}: ${name} was removed from cog and is ignored; ${removed}`;
  const likely = likelyKey(key, here, path);
  return `${where}: unknown key ${name} is ignored${likely ? ` (did you mean ${likely}?)` : ''}`;
}

/**
 * Removes unknown keys and null values from `raw` (in place) and returns one warning per unknown key.
 * `where(path)` gives `cog.yaml:LINE` for a key path.
 */
export function pruneCogYaml(raw: unknown, where: (path: YamlPath) => string): string[] {
  const warnings: string[] = [];
  const walk = (value: unknown, shape: Shape, path: YamlPath): void => {
    if ('items' in shape) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, shape.items, [...path, i]));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const key of Object.keys(value)) {
      if (value[key] === null) {
        delete value[key];
      } else if (!(key in shape.keys)) {
        warnings.push(
          unknownKeyWarning(
            key,
            shape,
            path.filter((p) => typeof p === 'string'),
            where([...path, key]),
          ),
        );
        delete value[key];
      } else if (shape.keys[key]) {
        walk(value[key], shape.keys[key]!, [...path, key]);
      }
    }
  };
  walk(raw, COG_YAML_KEYS, []);
  return warnings;
}
