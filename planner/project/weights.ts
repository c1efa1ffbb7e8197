/**
 * Which project paths are model weights: declared ones (cog.yaml `weights` with a local source, or
 * `[tool.cogpack] weights`) plus every file at least the size threshold. They get their own layer.
 */
import { statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ConfigError } from '../../src/errors';
import type { CogConfig } from './cog-yaml';
import { projectEntry, unreadable } from './fs-safe';
import type { Pyproject } from './pyproject';

export interface WeightPath {
  /** project-relative file or directory */
  path: string;
  /** where it goes in the image */
  target: string;
  /** a directory (its contents go to target) rather than a file */
  isDir: boolean;
  /** `cog.yaml:14 weights.0`, `pyproject.toml:9 tool.cogpack.weights`, or `size ≥ 10 MB` */
  source: string;
}

export const DEFAULT_WEIGHTS_THRESHOLD_MB = 10;

function isDir(root: string, path: string): boolean {
  try {
    return statSync(join(root, path)).isDirectory();
  } catch (e) {
    throw unreadable(path, { file: path }, e);
  }
}

/**
 * Two cog.yaml weights with one name, or one target, would make one copy overwrite the other in the image:
 * refused at the second, naming the first.
 */
function checkUnique(cog: CogConfig, out: WeightPath[]): void {
  const seen = new Map<string, number>();
  (cog.data.weights ?? []).forEach((w, i) => {
    for (const [what, value] of [
      ['name', w.name],
      ['target', posix.normalize(out[i].target).replace(/(.)\/+$/, '$1')],
    ] as const) {
      if (value === undefined) continue;
      const first = seen.get(`${what}:${value}`);
      if (first === undefined) {
        seen.set(`${what}:${value}`, i);
        continue;
      }
      throw new ConfigError(
        'E_WEIGHTS_DUPLICATE',
        `weights.${i} has the same ${what} "${value}" as weights.${first} (line ${cog.lineOf(['weights', first])})`,
        {
          file: cog.file,
          line: cog.lineOf(['weights', i]),
          hint: `give each weight its own ${what}, or remove one of them`,
        },
      );
    }
  });
}

function fromCog(root: string, cog: CogConfig): WeightPath[] {
  const out = (cog.data.weights ?? []).map((w, i) => {
    const ref = { file: cog.file, line: cog.lineOf(['weights', i, 'source', 'uri']) };
    const uri = w.source.uri;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
      throw new ConfigError('E_WEIGHTS_URI', `weights source "${uri}" is remote; only project paths are supported yet`, {
        ...ref,
        hint: 'download the weights into the project (or at run time) and name the local path',
      });
    }
    const path = projectEntry(root, '.', uri.replace(/^file:\/\//, ''), ref, 'weights source');
    return { path, target: w.target ?? `/src/${path}`, isDir: isDir(root, path), source: cog.sourceOf(['weights', i]) };
  });
  checkUnique(cog, out);
  return out;
}

function fromPyproject(root: string, py: Pyproject): WeightPath[] {
  return (py.tool.weights ?? []).map((p) => {
    const ref = { file: py.file, line: py.toolLine('weights') };
    const path = projectEntry(root, '.', p, ref, 'weights path');
    return { path, target: `/src/${path}`, isDir: isDir(root, path), source: `${py.file}:${ref.line} tool.cogpack.weights` };
  });
}

/** Declared weights first; large files not already inside a declared path are added. Sorted by path. */
export function collectWeights(root: string, cog: CogConfig | undefined, py: Pyproject | undefined, large: string[], mb: number): WeightPath[] {
  const declared = [...(cog ? fromCog(root, cog) : []), ...(py ? fromPyproject(root, py) : [])];
  const covered = (f: string) => declared.some((d) => f === d.path || f.startsWith(`${d.path}/`));
  const detected = large.filter((f) => !covered(f)).map((path) => ({ path, target: `/src/${path}`, isDir: false, source: `size ≥ ${mb} MB` }));
  return [...declared, ...detected].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
