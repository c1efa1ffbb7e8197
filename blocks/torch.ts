/**
 * torch: installs torch (and the torchvision/torchaudio the project asks for) in a stage of its own whose
 * inputs are only the resolved versions, the wheel index and any local wheel directories, so torch never
 * reinstalls when other requirements change. The wheel index is the resolver's CPU or CUDA index, unless
 * the project's requirements choose their own with --no-index/--index-url (then those are honoured).
 */
import type { DependencyRequest } from '../planner/resolver/types';
import type { Project } from '../planner/project';
import type { Block } from './support/block';
import { frameworkLines, lineRequests, TORCH_PACKAGES, torchIndexArgs, torchPins } from './support/frameworks';
import { pipCacheMount, pipEnv, pipInstall, userIndexArgs, findLinksMount } from './support/pip';
import { exec, stage } from './support/stage';

function uvTorch(project: Project): DependencyRequest[] {
  const locked = project.uvLock?.packages ?? {};
  return TORCH_PACKAGES.filter((n) => locked[n]).map((name) => ({
    kind: 'python-package' as const, name, constraint: `==${locked[name]}`, source: 'uv.lock', requester: 'torch',
  }));
}

export const torch: Block = {
  name: 'torch',
  detect: (project) => frameworkLines(project, TORCH_PACKAGES).length > 0 || uvTorch(project).length > 0,
  dependencies(project) {
    if (project.uvLock) return uvTorch(project);
    return lineRequests(frameworkLines(project, TORCH_PACKAGES), 'torch');
  },
  plan(ctx, plan) {
    const t = ctx.resolution.torch;
    // uv.lock projects install torch from the lock with everything else; the request only picks the CUDA base
    if (!t || ctx.project.uvLock) return;
    const pins = torchPins(ctx.project, t);
    const index = torchIndexArgs(ctx.project, t);
    plan.addStage(
      'framework',
      stage({
        id: 'framework:torch',
        name: `torch ${t.version}+${t.variant}`,
        block: 'torch',
        // built from python alone, not on the apt layer: a system package edit leaves torch's install cached
        // and its layer byte-identical (the deps stage still sees both: it is built on every phase below it)
        source: plan.below(),
        independentOf: ['system'],
        env: pipEnv(),
        operations: [
          exec([...pipInstall(ctx.resolution.python), ...index, ...userIndexArgs(ctx), ...pins], {
            mounts: [pipCacheMount(), ...findLinksMount(plan, ctx.project)],
          }),
        ],
        provides: pins.map((p) => p.split('==')[0]),
      }),
    );
  },
};
