/**
 * cog-sdk: installs the cog Python SDK after the user's requirements (so an SDK change never reinstalls
 * them). Source: `--cog-sdk pypi|none|PATH.whl` or COGPACK_COG_SDK; with pypi, build.sdk_version pins it.
 */
import type { Mount } from '../planner/plan-schema';
import type { DependencyRequest } from '../planner/resolver/types';
import tools from './data/tools.json';
import type { Block } from './support/block';
import { pipCacheMount, pipEnv, pipInstall, userIndexArgs, findLinksMount } from './support/pip';
import { exec, stage } from './support/stage';

/** Where a --cog-sdk wheel's directory is mounted: apart from CONTEXT_MOUNT, which holds the --find-links dirs. */
const SDK_MOUNT = '/cogpack/sdk';

export const cogSdk: Block = {
  name: 'cog-sdk',
  detect: (project, options) => project.cog !== undefined && options.cogSdk.kind !== 'none',
  dependencies(project, options): DependencyRequest[] {
    const cog = project.cog!;
    const v = cog.data.build?.sdk_version;
    if (options.cogSdk.kind !== 'pypi') return [];
    const constraint = v && v !== 'prerelease' ? `==${v}` : '';
    const source = v ? cog.sourceOf(['build', 'sdk_version']) : 'default';
    return [{ kind: 'python-package', name: tools.cogPythonPackage, constraint, source, requester: 'cog-sdk' }];
  },
  plan(ctx, plan) {
    const sdk = ctx.options.cogSdk;
    const v = ctx.project.cog!.data.build?.sdk_version;
    // the project's index options apply (a private mirror, or --no-index with the local wheel directory
    // the SDK's own dependencies come from), so its --find-links directories are mounted either way
    const mounts: Mount[] = [pipCacheMount(), ...findLinksMount(plan, ctx.project)];
    const args = [...pipInstall(ctx.resolution.python)];
    if (sdk.kind === 'wheel') {
      const dir = sdk.path.includes('/') ? sdk.path.slice(0, sdk.path.lastIndexOf('/')) : '.';
      const file = sdk.path.slice(sdk.path.lastIndexOf('/') + 1);
      plan.addContext('cog-sdk', { path: dir, exclude: [], include: [file], origin: 'flag' }); // may be outside the project
      mounts.push({ type: 'bind', target: SDK_MOUNT, from: { type: 'context', name: 'cog-sdk' }, source: '/', readonly: true });
      args.push(...userIndexArgs(ctx), `${SDK_MOUNT}/${file}`);
    } else {
      if (v === 'prerelease') args.push('--pre');
      args.push(...userIndexArgs(ctx));
      args.push(v && v !== 'prerelease' ? `${tools.cogPythonPackage}==${v}` : tools.cogPythonPackage);
    }
    plan.addStage('sdk', stage({
      id: 'sdk:cog-sdk',
      name: sdk.kind === 'wheel' ? `cog SDK from ${sdk.path}` : `cog SDK ${v ?? '(latest)'}`,
      block: 'cog-sdk',
      source: plan.inputBefore('sdk'),
      env: pipEnv(),
      operations: [exec(args, { mounts })],
      provides: ['cog'],
    }));
  },
};
