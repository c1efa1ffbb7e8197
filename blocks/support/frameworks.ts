/** Which requirement lines belong to a framework block (torch, TensorFlow) rather than the pip block, their resolver requests, and the exact pins the framework stages install. */
import type { Project } from '../../planner/project';
import { ConfigError } from '../../src/errors';
import type { Requirement } from '../../planner/project/requirements';
import type { DependencyRequest, Resolution, TorchChoice } from '../../planner/resolver/types';

export const TORCH_PACKAGES = ['torch', 'torchvision', 'torchaudio'];
export const TF_PACKAGES = ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu'];

/**
 * Framework lines installed by their own block: named, from an index (not a local file or URL). A hashed
 * one is refused: its stage installs the build cogpack picks (CPU/CUDA variant, its own index), which the
 * user's hash cannot describe, and installing it unchecked would quietly drop pip's hash-checking mode.
 */
export function frameworkLines(project: Project, names: string[]): Requirement[] {
  const lines = project.requirements.requirements.filter((r) => r.name && names.includes(r.name) && !r.local && !/@|:\/\//.test(r.spec));
  const hashed = lines.find((r) => r.hashes.length > 0);
  if (hashed) {
    throw new ConfigError('E_REQUIREMENT_HASH', `${hashed.name} with --hash is not supported: cogpack installs ${hashed.name} in its own stage from the CPU/CUDA index it picks`, {
      file: hashed.file,
      line: hashed.line,
      hint: `remove the --hash options (every line's: pip checks all or none), or install ${hashed.name} from a local wheel path with its hash`,
    });
  }
  return lines;
}

/** One resolver request per named requirement line, sourced at its file:line. */
export function lineRequests(lines: Requirement[], requester: string): DependencyRequest[] {
  return lines.filter((r) => r.name).map((r) => ({
    kind: 'python-package' as const, name: r.name!, constraint: r.constraint, source: `${r.file}:${r.line}`, requester,
  }));
}

const publicVersion = (v: string) => v.split('+')[0];

/** What the torch stage installs: torch, plus the torchvision/torchaudio of its row that the project names. */
export function torchPins(project: Project, t: TorchChoice): string[] {
  const wanted = new Set(frameworkLines(project, TORCH_PACKAGES).map((r) => r.name!));
  const pins = [`torch==${t.version}`];
  if (wanted.has('torchvision') && t.torchvision) pins.push(`torchvision==${publicVersion(t.torchvision)}`);
  if (wanted.has('torchaudio') && t.torchaudio) pins.push(`torchaudio==${publicVersion(t.torchaudio)}`);
  return pins;
}

/** The torch wheel index (CPU or CUDA variant), unless the project chose its own with --no-index/--index-url. */
export function torchIndexArgs(project: Project, t: TorchChoice): string[] {
  const r = project.requirements;
  const userChoosesIndex = r.noIndex || r.indexUrl !== undefined;
  return !userChoosesIndex && t.index_url ? ['--extra-index-url', t.index_url] : [];
}

/**
 * The torch index for the pip stage: a requirement that pulls torchvision/torchaudio in gets the build of
 * the torch variant installed below (as with cog, whose one requirements file starts with that index),
 * not PyPI's default CUDA build.
 */
export function frameworkIndexArgs(project: Project, r: Resolution): string[] {
  return r.torch && !project.uvLock ? torchIndexArgs(project, r.torch) : [];
}

/**
 * Every pin a framework stage installed. The pip stage repeats them so pip resolves the other requirements
 * against these versions, as cog's single `pip install -r` does, instead of upgrading torch in a later layer.
 */
export function frameworkPins(project: Project, r: Resolution): string[] {
  const pins = r.torch && !project.uvLock ? torchPins(project, r.torch) : [];
  if (r.tensorflow) pins.push(`${r.tensorflow.package}==${r.tensorflow.version}`);
  return pins;
}
