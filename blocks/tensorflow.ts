/**
 * tensorflow: installs the TensorFlow package of the resolved compatibility row (CPU or GPU package, the
 * version that fixes the CUDA/cuDNN base) in its own framework stage, before the other requirements.
 */
import { tensorflowFramework } from '../planner/resolver/tensorflow';
import { requirementsFramework } from './support/frameworks';

// on torch when both are planned; like torch, built from python alone (not on the apt layer)
export const tensorflow = requirementsFramework(tensorflowFramework, (tf) => ({
  name: `${Object.keys(tf.packages)[0]} ${tf.version}`,
  stack: true,
  provides: ['tensorflow'],
}));
