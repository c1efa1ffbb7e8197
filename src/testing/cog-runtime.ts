/**
 * The real cog SDK 0.13.6 and its dependency wheels (shared/cog-runtime/wheelhouse), found beside the checkout
 * or any directory above it: CI has `../shared`, a worktree sits deeper.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './daemon';

export const COG_SDK_VERSION = '0.13.6';
const WHEEL = `cog-${COG_SDK_VERSION}-py3-none-any.whl`;

/** The wheelhouse directory, or undefined when no shared/ is above the checkout. */
export function cogWheelhouse(): string | undefined {
  for (let d = REPO_ROOT; ; d = path.dirname(d)) {
    const dir = path.join(d, 'shared', 'cog-runtime', 'wheelhouse');
    if (fs.existsSync(path.join(dir, WHEEL))) return dir;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The SDK wheel's path (its dependencies sit beside it), or undefined. */
export function cogSdkWheel(): string | undefined {
  const dir = cogWheelhouse();
  return dir && path.join(dir, WHEEL);
}
