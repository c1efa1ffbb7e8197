/**
 * Builders for DependencyRequests in resolver tests (kept out of the production modules).
 */
import type { DependencyKind, DependencyRequest, ResolveOptions } from '../types';
import { tensorflowFramework } from '../tensorflow';
import { torchFramework } from '../torch';

function kindOf(name: string): DependencyKind {
  if (name === 'python' || name === 'cuda' || name === 'cudnn') return name;
  return 'python-package';
}

/** `req('torch', '==2.3.1', 'requirements.txt:3')`; the requester is the block that would emit it. */
export function req(name: string, constraint: string, source = 'requirements.txt:1', requester = 'test-block'): DependencyRequest {
  return { kind: kindOf(name), name, constraint, source, requester };
}

export const py = (c: string, source = 'cog.yaml:3 build.python_version') => req('python', c, source, 'python-version');
export const torch = (c: string, source = 'requirements.txt:1') => req('torch', c, source, 'torch');
export const cuda = (c: string, source = 'cog.yaml:5 build.cuda') => req('cuda', c, source, 'cuda');
export const cudnn = (c: string, source = 'cog.yaml:6 build.cudnn') => req('cudnn', c, source, 'cuda');
export const tf = (c: string, source = 'requirements.txt:2') => req('tensorflow', c, source, 'tensorflow');

/** The framework resolvers planner/ holds, registered as blocks/frameworks.ts registers them (torch, then TensorFlow). */
export const FRAMEWORKS = [torchFramework, tensorflowFramework];

/** ResolveOptions with those frameworks. */
export const options = (gpu: boolean, imageMap: Record<string, string> = {}): ResolveOptions => ({ gpu, imageMap, frameworks: FRAMEWORKS });
