/** Which requirement lines belong to a framework block (torch, TensorFlow) rather than the pip block, and their resolver requests. */
import type { Project } from '../../planner/project';
import type { Requirement } from '../../planner/project/requirements';
import type { DependencyRequest } from '../../planner/resolver/types';

export const TORCH_PACKAGES = ['torch', 'torchvision', 'torchaudio'];
export const TF_PACKAGES = ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu'];

/** Framework lines installed by their own block: named, from an index (not a local file or URL). */
export function frameworkLines(project: Project, names: string[]): Requirement[] {
  return project.requirements.requirements.filter((r) => r.name && names.includes(r.name) && !r.local && !/@|:\/\//.test(r.spec));
}

/** One resolver request per named requirement line, sourced at its file:line. */
export function lineRequests(lines: Requirement[], requester: string): DependencyRequest[] {
  return lines.filter((r) => r.name).map((r) => ({
    kind: 'python-package' as const, name: r.name!, constraint: r.constraint, source: `${r.file}:${r.line}`, requester,
  }));
}
