/**
 * The framework registry, one line per framework block. The stack registers each one's resolver with the one
 * resolver, and the requirements blocks (pip, uv) leave the distributions they own to them. The order is the
 * order of their stages in the framework phase (TensorFlow's stacks on torch's) and of the framework pins the
 * pip stage repeats; the resolver runs TensorFlow first whatever the order, since its build fixes CUDA.
 */
import type { FrameworkBlock } from './support/block';
import { torch } from './torch';
import { tensorflow } from './tensorflow';
import { jax } from './jax';

export const FRAMEWORK_BLOCKS: readonly FrameworkBlock[] = [torch, tensorflow, jax];

export const FRAMEWORKS = FRAMEWORK_BLOCKS.map((b) => b.framework);

/** Every distribution a framework block installs: the pip stage skips those requirement lines. */
export const FRAMEWORK_PACKAGES: readonly string[] = FRAMEWORKS.flatMap((f) => f.packages);

/** The distributions whose uv.lock pins a framework block requests itself, so uv does not. */
export const LOCKED_FRAMEWORK_PACKAGES: readonly string[] = FRAMEWORK_BLOCKS.filter((b) => b.requestsLockedPins).flatMap((b) => b.framework.packages);
