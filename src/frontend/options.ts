/**
 * The frontend's inputs as BuildKit passes them: `BUILDKIT_FRONTEND_OPT_<n>=key=value` variables (the
 * dockerui option names: filename, build-arg:*, target, no-cache, platform, contextkey…) and the session id.
 */
import { UsageError } from '../errors';
import { PLANNER_BUILD_ARGS } from '../buildkit/build/build-args';

export interface FrontendOptions {
  /** the entry file named with -f (a cog.yaml, a pyproject.toml or a plan JSON); undefined = look for one */
  filename?: string;
  /** local names the client serves: the build context and the directory holding the entry file */
  contextKey: string;
  dockerfileKey: string;
  buildArgs: Record<string, string>;
  noCache: boolean;
  /** `platform` opt, comma list (empty = the daemon's default) */
  platforms: string[];
  target?: string;
  sessionId?: string;
  /** every option as received, for the few read elsewhere */
  raw: Record<string, string>;
}

/** Build args the planner reads from its environment: one list for the CLI and the frontend (../buildkit/build-args.ts). */
export { PLANNER_BUILD_ARGS };

/** `BUILDKIT_FRONTEND_OPT_*` → key/value map (order of the variables does not matter; later keys win). */
export function rawFrontendOpts(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = Object.keys(env).filter((k) => k.startsWith('BUILDKIT_FRONTEND_OPT_'));
  keys.sort((a, b) => Number(a.slice(22)) - Number(b.slice(22)));
  for (const k of keys) {
    const kv = env[k] ?? '';
    const eq = kv.indexOf('=');
    if (eq < 0) out[kv] = '';
    else out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

export function parseFrontendOptions(env: NodeJS.ProcessEnv): FrontendOptions {
  const raw = rawFrontendOpts(env);
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('build-arg:')) buildArgs[k.slice(10)] = v;
  if (raw.context && /^(https?|git):|\.git$|^git@/.test(raw.context)) {
    throw new UsageError('E_FRONTEND_REMOTE_CONTEXT', `remote build context "${raw.context}" is not supported by the cogpack frontend`, {
      hint: 'build from a local directory (docker buildx build -f cog.yaml .)',
    });
  }
  // buildx sends "Dockerfile" when no -f was given: cogpack then looks for its own entry files
  const filename = raw.filename && raw.filename !== 'Dockerfile' ? raw.filename : undefined;
  return {
    filename,
    contextKey: raw.contextkey || 'context',
    dockerfileKey: raw.dockerfilekey || 'dockerfile',
    buildArgs,
    noCache: 'no-cache' in raw,
    platforms: (raw.platform ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    target: raw.target || undefined,
    sessionId: env.BUILDKIT_SESSION_ID || undefined,
    raw,
  };
}

/** The environment the planner sees: only cogpack's own build args, never the frontend container's env. */
export function plannerEnv(opts: FrontendOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PLANNER_BUILD_ARGS) if (opts.buildArgs[name] !== undefined) env[name] = opts.buildArgs[name];
  return env;
}

/** cogpack builds linux/amd64 only (the plan's platform); a different --platform is refused, not ignored. */
export function checkPlatforms(opts: FrontendOptions, planPlatform: { os: string; arch: string }): void {
  const want = `${planPlatform.os}/${planPlatform.arch}`;
  const other = opts.platforms.find((p) => p.replace(/\/v\d+$/, '') !== want);
  if (other) {
    throw new UsageError('E_FRONTEND_PLATFORM', `platform "${other}" is not supported; the plan builds ${want}`, {
      hint: `drop --platform or pass --platform ${want}`,
    });
  }
  if (opts.target) {
    throw new UsageError('E_FRONTEND_TARGET', `--target "${opts.target}" has no meaning for a cogpack project`, { hint: 'drop --target' });
  }
}
