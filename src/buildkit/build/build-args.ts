/**
 * What each `--build-arg NAME=VALUE` means to cogpack, decided once for the CLI and the frontend alike:
 * a planner setting (COGPACK_*), a proxy for every RUN (HTTP_PROXY…), the image timestamp
 * (SOURCE_DATE_EPOCH), one BuildKit itself reads (BUILDKIT_*), or nothing (a warning, as buildx gives
 * for a build arg no Dockerfile ARG consumes: a cog.yaml has no ARG).
 */
import type { ProxyEnv } from '../../../llb';
import { UsageError } from '../../errors';

/** Build args the planner reads as environment variables (the CLI also reads them from its own environment). */
export const PLANNER_BUILD_ARGS = ['COGPACK_IMAGE_MAP', 'COGPACK_COG_SDK', 'COGPACK_WEIGHTS_THRESHOLD_MB'] as const;

/** Dockerfile's predefined proxy ARGs, matched without regard to case; each fills one ExecOp Meta.proxy_env field. */
const PROXY_FIELDS: Record<string, keyof ProxyEnv> = {
  HTTP_PROXY: 'http_proxy',
  HTTPS_PROXY: 'https_proxy',
  FTP_PROXY: 'ftp_proxy',
  NO_PROXY: 'no_proxy',
  ALL_PROXY: 'all_proxy',
};

export interface BuildArgMeaning {
  /** COGPACK_* planner settings given as build args */
  planner: Record<string, string>;
  /** proxies for every plan exec; undefined when none was given (the LLB then holds no proxy_env) */
  proxyEnv?: ProxyEnv;
  sourceDateEpoch?: string;
  /** names that change nothing, sorted */
  unused: string[];
}

/** `NAME=VALUE` specs as typed after --build-arg; a later NAME wins, as with buildx. */
export function parseBuildArgs(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError('E_BUILD_ARG', `--build-arg "${s}" is not NAME=VALUE`, { hint: 'write --build-arg HTTP_PROXY=http://proxy:3128' });
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/**
 * Proxies from build args. Both spellings work; when both are given the upper-case one wins (Dockerfile
 * frontends take whichever their map iteration meets last, so that case has no portable answer).
 */
export function proxyEnvFromBuildArgs(args: Readonly<Record<string, string>>): ProxyEnv | undefined {
  const out: ProxyEnv = {};
  const names = Object.keys(args).sort().reverse(); // lower-case names first, so an upper-case twin overwrites
  for (const name of names) {
    const field = PROXY_FIELDS[name.toUpperCase()];
    if (field && args[name] !== '') out[field] = args[name];
  }
  return Object.keys(out).length ? out : undefined;
}

export function interpretBuildArgs(args: Readonly<Record<string, string>>): BuildArgMeaning {
  const planner: Record<string, string> = {};
  const unused: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    if ((PLANNER_BUILD_ARGS as readonly string[]).includes(name)) planner[name] = value;
    else if (!(name.toUpperCase() in PROXY_FIELDS) && name !== 'SOURCE_DATE_EPOCH' && !name.startsWith('BUILDKIT_')) unused.push(name);
  }
  return { planner, proxyEnv: proxyEnvFromBuildArgs(args), sourceDateEpoch: args.SOURCE_DATE_EPOCH, unused: unused.sort() };
}

/** The planner's environment: the caller's, with COGPACK_* build args in place of the same variables. */
export function withPlannerArgs(env: NodeJS.ProcessEnv, args: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const { planner } = interpretBuildArgs(args);
  return Object.keys(planner).length ? { ...env, ...planner } : env;
}

/** One warning for the build args nothing reads, like buildx's "build-args … were not consumed". */
export function unusedBuildArgWarnings(args: Readonly<Record<string, string>>): string[] {
  const { unused } = interpretBuildArgs(args);
  if (unused.length === 0) return [];
  return [
    `build arg${unused.length > 1 ? 's' : ''} ${unused.join(', ')} ${unused.length > 1 ? 'are' : 'is'} not used: a cog.yaml has no ARG; ` +
      'build args that act are HTTP_PROXY/HTTPS_PROXY/FTP_PROXY/NO_PROXY/ALL_PROXY (every RUN), SOURCE_DATE_EPOCH and ' +
      `${PLANNER_BUILD_ARGS.join('/')}; pass other values to build.run with --secret`,
  ];
}
