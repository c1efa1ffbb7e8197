/** Which requirement lines belong to a framework block (torch, TensorFlow) rather than the pip block. */
import type { Project } from '../../planner/project';
import type { Requirement } from '../../planner/project/requirements';

export const TORCH_PACKAGES = ['torch', 'torchvision', 'torchaudio'];
export const TF_PACKAGES = ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu'];

/** Framework lines installed by their own block: named, from an index (not a local file or URL). */
export function frameworkLines(project: Project, names: string[]): Requirement[] {
  return project.requirements.requirements.filter((r) => r.name && names.includes(r.name) && !r.local && !/@|:\/\//.test(r.spec));
}
