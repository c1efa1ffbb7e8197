/**
 * cuda: with gpu on, asks the resolver for the CUDA/cuDNN the user wrote (the base image then comes from
 * the CUDA matrix), registers the driver library paths with ldconfig, and sets the NVIDIA runtime env.
 */
import type { DependencyRequest } from '../planner/resolver/types';
import type { Block } from './support/block';
import { shell, stage } from './support/stage';

export const cuda: Block = {
  name: 'cuda',
  detect: (project) => project.gpu,
  dependencies(project) {
    const cog = project.cog;
    const b = cog?.data.build;
    const out: DependencyRequest[] = [];
    if (cog && b?.cuda) out.push({ kind: 'cuda', name: 'cuda', constraint: b.cuda, source: cog.sourceOf(['build', 'cuda']), requester: 'cuda' });
    if (cog && b?.cudnn) out.push({ kind: 'cudnn', name: 'cudnn', constraint: b.cudnn, source: cog.sourceOf(['build', 'cudnn']), requester: 'cuda' });
    return out;
  },
  plan(ctx, plan) {
    plan.addStage(
      'base',
      stage({
        id: 'base:cuda',
        name: `register CUDA ${ctx.resolution.cuda?.version ?? ''} libraries`.trim(),
        block: 'cuda',
        source: plan.below({ stack: true }),
        operations: [
          shell(["printf '%s\\n' /usr/local/cuda/lib64 /usr/local/nvidia/lib64 /usr/local/nvidia/lib > /etc/ld.so.conf.d/cogpack-cuda.conf", 'ldconfig']),
        ],
        provides: ['cuda'],
      }),
    );
    Object.assign(plan.data.export.env, {
      NVIDIA_DRIVER_CAPABILITIES: 'all',
      NVIDIA_VISIBLE_DEVICES: 'all',
      LD_LIBRARY_PATH: '/usr/local/nvidia/lib64:/usr/local/nvidia/bin:/usr/local/cuda/lib64',
    });
  },
};
