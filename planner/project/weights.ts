/**
 * Which project paths are model weights: declared ones (cog.yaml `weights` with a local source, or
 * `[tool.cogpack] weights`) plus every file at least the size threshold. They get their own layer.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors';
import type { CogConfig } from './cog-yaml';
import { projectFileExists, projectPath, unreadable } from './fs-safe';
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

function fromCog(root: string, cog: CogConfig): WeightPath[] {
  return (cog.data.weights ?? []).map((w, i) => {
    const ref = { file: cog.file, line: cog.lineOf(['weights', i, 'source', 'uri']) };
    const uri = w.source.uri;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
      throw new ConfigError('E_WEIGHTS_URI', `weights source "${uri}" is remote; only project paths are supported yet`, {
        ...ref,
        hint: 'download the weights into the project (or at run time) and name the local path',
      });
    }
    const path = projectPath(root, '.', uri.replace(/^file:\/\//, ''), ref, 'weights source');
    if (!projectFileExists(root, path)) {
      throw new ConfigError('E_FILE_MISSING', `weights source "${uri}" does not exist`, { ...ref, hint: 'fix the path' });
    }
    return { path, target: w.target ?? `/src/${path}`, isDir: isDir(root, path), source: cog.sourceOf(['weights', i]) };
  });
}

function fromPyproject(root: string, py: Pyproject): WeightPath[] {
  return (py.tool.weights ?? []).map((p) => {
    const ref = { file: py.file, line: py.toolLine('weights') };
    const path = projectPath(root, '.', p, ref, 'weights path');
    if (!projectFileExists(root, path)) {
      throw new ConfigError('E_FILE_MISSING', `weights path "${p}" does not exist`, { ...ref, hint: 'fix the path' });
    }
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
