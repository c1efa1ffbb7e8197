/**
 * How the pip-based blocks (torch, tensorflow, pip, cog-sdk) install packages: `pythonX.Y -m pip install`
 * with a shared pip cache mount, PEP 668 opt-out (Debian's python3 marks the system externally managed),
 * and local wheels/find-links read from read-only bind mounts of two disjoint contexts (`find-links`,
 * and `wheels` for the local paths outside those directories), never copied into a layer, each project
 * path sent through the session once.
 */
import type { Plan } from '../../planner/plan';
import type { Mount } from '../../planner/plan-schema';
import type { Project } from '../../planner/project';
import type { BlockContext } from './block';
import { literalGlob } from './glob';

/** Where contexts are bind-mounted inside an exec; paths under it mirror the project. */
export const CONTEXT_MOUNT = '/cogpack/ctx';
/** Where the pip stage mounts the `wheels` context, beside the `find-links` context at CONTEXT_MOUNT. */
export const WHEELS_MOUNT = '/cogpack/wheels';
export const WHEELS_CONTEXT = 'wheels';
export const FIND_LINKS_CONTEXT = 'find-links';

/** A local requirement pip installs from the file itself (wheel or sdist), not a directory it builds in-tree. */
export function isArchive(local: string): boolean {
  return /\.(whl|zip|tar\.gz|tar\.bz2)$/.test(local);
}

export function pipEnv(): Record<string, string> {
  return {
    PIP_BREAK_SYSTEM_PACKAGES: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    // bytecode compiled at install time embeds no timestamps, so layers are reproducible
    SOURCE_DATE_EPOCH: '0',
  };
}

export function pipCacheMount(): Mount {
  return { type: 'cache', target: '/root/.cache/pip', id: 'cogpack-pip-cache', sharing: 'shared' };
}

export function pipInstall(python: string): string[] {
  return [`python${python}`, '-m', 'pip', 'install'];
}

function localFindLinks(project: Project): string[] {
  return [...new Set(project.requirements.findLinks.filter((f) => f.local).map((f) => f.value))].sort();
}

function inFindLinks(project: Project, local: string): boolean {
  return localFindLinks(project).some((d) => d === '.' || local === d || local.startsWith(`${d}/`));
}

/** Local requirement paths (wheels/sdists) outside the --find-links directories, which the find-links context already sends. */
export function localPaths(project: Project): string[] {
  const paths = project.requirements.requirements.filter((q) => q.local && !inFindLinks(project, q.local)).map((q) => q.local!);
  return [...new Set(paths)].sort();
}

/** Where a local requirement path is seen inside the pip stage. */
export function mountedPath(project: Project, local: string): string {
  return `${inFindLinks(project, local) ? CONTEXT_MOUNT : WHEELS_MOUNT}/${local}`;
}

/**
 * Declares the `wheels` context (only the local paths pip needs, so editing code never invalidates a
 * dependency layer) and returns the pip stage's mounts: it plus the `find-links` context.
 */
export function wheelsMount(plan: Plan, project: Project): Mount[] {
  const include = localPaths(project);
  const mounts = findLinksMount(plan, project);
  if (include.length === 0) return mounts;
  plan.addContext(WHEELS_CONTEXT, { path: '.', exclude: [], include: include.map(literalGlob) });
  return [...mounts, { type: 'bind', target: WHEELS_MOUNT, from: { type: 'context', name: WHEELS_CONTEXT }, source: '/', readonly: true }];
}

/**
 * Declares the `find-links` context (only the project's local --find-links directories) and returns its
 * mount: framework and SDK stages need those directories but must not depend on other local wheels.
 */
export function findLinksMount(plan: Plan, project: Project): Mount[] {
  const include = localFindLinks(project);
  if (include.length === 0) return [];
  plan.addContext(FIND_LINKS_CONTEXT, { path: '.', exclude: [], include: include.map(literalGlob) });
  return [{ type: 'bind', target: CONTEXT_MOUNT, from: { type: 'context', name: FIND_LINKS_CONTEXT }, source: '/', readonly: true }];
}

/** `https://user:token@host/…` → the URL with its credentials masked, or undefined when it has none. */
function maskedCredentials(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]+)@(.*)$/i.exec(url);
  return m ? `${m[1]}***@${m[3]}` : undefined;
}

/**
 * The user's index options, local paths rewritten under the context mount. Credentials written into an
 * index URL cannot stay secret (they are pip arguments, so the plan and the build log show them), so the
 * user is told once; the value is kept because pip needs it.
 */
export function userIndexArgs(ctx: BlockContext): string[] {
  const r = ctx.project.requirements;
  const args: string[] = [];
  if (r.noIndex) args.push('--no-index');
  if (r.indexUrl) args.push('--index-url', r.indexUrl);
  for (const u of r.extraIndexUrls) args.push('--extra-index-url', u);
  for (const f of r.findLinks) args.push('--find-links', f.local ? `${CONTEXT_MOUNT}/${f.value}` : f.value);
  // an http:// mirror (or one with a self-signed certificate) is refused by pip without it
  for (const h of r.trustedHosts) args.push('--trusted-host', h);
  if (r.pre) args.push('--pre');
  for (const url of [r.indexUrl ?? '', ...r.extraIndexUrls, ...r.findLinks.map((f) => f.value)]) {
    const masked = maskedCredentials(url);
    const note =
      masked &&
      `${r.files[0] ?? 'requirements'}: index ${masked} has credentials in its URL; they will show in the plan and the build log (serve the index without them, or install those packages in build.run with a secret mount)`;
    if (note && !ctx.warnings.includes(note)) ctx.warnings.push(note);
  }
  return args;
}
