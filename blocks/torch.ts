/**
 * torch: installs torch (and the torchvision/torchaudio the project asks for) in a stage of its own whose
 * inputs are only the resolved versions, the wheel index and any local wheel directories, so torch never
 * reinstalls when other requirements change. The wheel index is the resolver's CPU or CUDA index, unless
 * the project's requirements choose their own with --no-index/--index-url (then those are honoured).
 */
import { TORCH_FAMILY, torchFramework } from '../planner/resolver/torch';
import type { FrameworkBlock } from './support/block';
import { frameworkLines, frameworkStage, lineRequests, lockedRequests } from './support/frameworks';

export const torch: FrameworkBlock = {
  name: 'torch',
  framework: torchFramework,
  requestsLockedPins: true,
  detect: (project) => frameworkLines(project, TORCH_FAMILY).length > 0 || lockedRequests(project, TORCH_FAMILY, 'torch').length > 0,
  dependencies(project) {
    if (project.uvLock) return lockedRequests(project, TORCH_FAMILY, 'torch');
    return lineRequests(frameworkLines(project, TORCH_FAMILY), 'torch');
  },
  plan(ctx, plan) {
    const t = ctx.resolution.frameworks.torch;
    // uv.lock projects install torch from the lock with everything else; the request only picks the CUDA base
    if (!t || ctx.project.uvLock) return;
    frameworkStage(ctx, plan, { block: 'torch', name: `torch ${t.version}+${t.variant}`, choice: t });
  },
};
