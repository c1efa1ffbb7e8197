/**
 * cog-sdk: installs the cog Python SDK after the user's requirements (so an SDK change never reinstalls
 * them). Source: `--cog-sdk pypi|none|PATH.whl|DIR` or COGPACK_COG_SDK; with pypi, build.sdk_version pins it.
 * A wheel's directory is a --find-links for its install, so a wheelhouse provides the SDK's dependencies.
 */
import { basename, dirname } from 'node:path/posix';
import type { Plan } from '../planner/plan';
import type { Mount } from '../planner/plan-schema';
import type { Project } from '../planner/project';
import type { DependencyRequest } from '../planner/resolver/types';
import tools from './data/tools.json';
import type { Block } from './support/block';
import { literalGlob } from './support/glob';
import { CONTEXT_MOUNT, pipCacheMount, pipEnv, pipInstall, userIndexArgs, findLinksMount } from './support/pip';
import { exec, stage } from './support/stage';

/** Where a --cog-sdk wheel's directory is mounted: apart from CONTEXT_MOUNT, which holds the --find-links dirs. */
const SDK_MOUNT = '/cogpack/sdk';

/**
 * The `cog-sdk` context: every wheel in the SDK wheel's directory (nothing else is sent), mounted read-only.
 * Inside the project it is the project root narrowed to that directory, so the frontend (which serves only
 * the build context) can build it too; outside, the directory itself, which only this flag may name.
 */
function sdkWheelMount(plan: Plan, wheel: string): Mount {
  const dir = dirname(wheel);
  const outside = dir === '..' || dir.startsWith('../');
  plan.addContext(
    'cog-sdk',
    outside
      ? { path: dir, exclude: [], include: ['*.whl'], origin: 'flag' }
      : { path: '.', exclude: [], include: [dir === '.' ? '*.whl' : `${literalGlob(dir)}/*.whl`] },
  );
  const source = outside || dir === '.' ? '/' : `/${dir}`;
  return { type: 'bind', target: SDK_MOUNT, from: { type: 'context', name: 'cog-sdk' }, source, readonly: true };
}

/** No index: only the project's local --find-links directories (mounted by findLinksMount) besides the SDK's. */
function localIndexArgs(project: Project): string[] {
  const local = [...new Set(project.requirements.findLinks.filter((f) => f.local).map((f) => f.value))];
  return ['--no-index', ...local.flatMap((d) => ['--find-links', `${CONTEXT_MOUNT}/${d}`])];
}

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
      mounts.push(sdkWheelMount(plan, sdk.path));
      // a wheelhouse (the wheel's directory holds more wheels) is the SDK's dependency source: offline, with
      // the project's own local --find-links directories; a lone wheel's dependencies come from the project's index
      args.push(...(sdk.wheelhouse ? localIndexArgs(ctx.project) : userIndexArgs(ctx)), '--find-links', SDK_MOUNT, `${SDK_MOUNT}/${basename(sdk.path)}`);
    } else {
      if (v === 'prerelease') args.push('--pre');
      args.push(...userIndexArgs(ctx));
      args.push(v && v !== 'prerelease' ? `${tools.cogPythonPackage}==${v}` : tools.cogPythonPackage);
    }
    plan.addStage(
      'sdk',
      stage({
        id: 'sdk:cog-sdk',
        name: sdk.kind === 'wheel' ? `cog SDK from ${sdk.path}` : `cog SDK ${v ?? '(latest)'}`,
        block: 'cog-sdk',
        source: plan.below(),
        env: pipEnv(),
        operations: [exec(args, { mounts })],
        provides: ['cog'],
      }),
    );
  },
};
