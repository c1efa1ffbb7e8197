/**
 * The labels of cog's image contract that only the build can know (cog's pkg/image/build.go adds them after
 * its build): `run.cog.pip_freeze`, `python -m pip freeze` run on what the build installed, inside the
 * build (read-back.ts); `run.cog.version` when the plan could not name the SDK version (PyPI, unpinned), from
 * that freeze; `run.cog.openapi_schema` (and /src/.cog/openapi_schema.json) from cog's own schema command when the
 * plan could not make it statically; and the project's git commit, tag and origin (`org.opencontainers.image.revision`/`version`/`source`).
 */
import { execFile } from 'node:child_process';
import type { OciImageConfig, State } from '../../../llb';
import type { PlanData } from '../../../planner/plan-schema';
import { OPENAPI_SCHEMA_FILE } from '../../../blocks/cog-schema';
import tools from '../../../blocks/data/tools.json';
import { stableJson } from '../../../blocks/export-config';
import { CogpackError } from '../../errors';
import type { LlbBridge } from '../gateway/bridge';
import { mayBeInGit } from './epoch';
import { readBack } from '../gateway/read-back';

/** Only what picks the interpreter and its packages: a change to other env (cog.yaml environment) must not rerun the freeze. */
const FREEZE_ENV = /^(PATH|PYTHON[A-Z_]*|VIRTUAL_ENV|PIP_[A-Z_]*)=/;

/** A cog model's image (the plan wrote run.cog.config) carries these labels. */
export function wantsCogBuildLabels(plan: PlanData): boolean {
  return plan.export.labels[tools.labels.config] !== undefined;
}

/** pip_freeze, and the SDK version from it when the plan left the version open. */
export async function pipFreezeLabels(
  bridge: Pick<LlbBridge, 'solve' | 'readFile'>,
  installed: State,
  config: OciImageConfig,
  opts: { noCache?: boolean } = {},
): Promise<Record<string, string>> {
  const env = [...(config.config.Env ?? []).filter((e) => FREEZE_ENV.test(e)), 'PIP_DISABLE_PIP_VERSION_CHECK=1'];
  const out = await readBack(bridge, installed, { args: ['python', '-m', 'pip', 'freeze'], env, name: '[cogpack] pip freeze (run.cog.pip_freeze)' }, opts);
  const freeze = out.toString('utf8');
  const labels: Record<string, string> = { [tools.labels.pipFreeze]: freeze };
  const version = /^cog==(\S+)$/m.exec(freeze)?.[1];
  if (version && !config.config.Labels?.[tools.labels.cogVersion]) labels[tools.labels.cogVersion] = version;
  return labels;
}

/** The plan left the schema to the runtime: the source names something only an import of it can tell. */
export function wantsRuntimeSchema(plan: PlanData): boolean {
  return plan.openapi_schema?.made_at === 'build';
}

/**
 * The fallback of the static schema: `python -m cog.command.openapi_schema` run on the built image inside the
 * build (no network, the image's own env, in /src as cog's server runs), its output written into the image as
 * /src/.cog/openapi_schema.json (one more layer) and returned as the label, in the static path's bytes.
 */
export async function runtimeSchema(
  bridge: Pick<LlbBridge, 'solve' | 'readFile'>,
  image: State,
  config: OciImageConfig,
  opts: { noCache?: boolean } = {},
): Promise<{ labels: Record<string, string>; image: State }> {
  const env = config.config.Env ?? [];
  const out = await readBack(
    bridge,
    image,
    {
      args: ['python', '-m', 'cog.command.openapi_schema'],
      env,
      cwd: '/src',
      name: '[cogpack] cog OpenAPI schema from the runtime (python -m cog.command.openapi_schema)',
    },
    opts,
  );
  let schema: unknown;
  try {
    schema = JSON.parse(out.toString('utf8'));
  } catch {
    throw new CogpackError(
      'build',
      'E_OPENAPI_SCHEMA',
      `python -m cog.command.openapi_schema printed no JSON on the built image (${JSON.stringify(out.toString('utf8').slice(0, 120))})`,
      { hint: 'run it in the image to see why; the predictor must import without network' },
    );
  }
  const json = stableJson(schema);
  const withFile = image.file(
    [
      { action: 'mkdir', path: '/src/.cog', mode: 0o755, parents: true },
      { action: 'mkfile', path: OPENAPI_SCHEMA_FILE, data: `${json}\n`, mode: 0o644 },
    ],
    { name: `[cogpack] ${OPENAPI_SCHEMA_FILE} from the runtime` },
  );
  return { labels: { [tools.labels.openapiSchema]: json }, image: withFile };
}

function git(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: dir, encoding: 'utf8', timeout: 10_000 }, (err, stdout) => resolve(err ? '' : stdout.trim()));
  });
}

/** `https://user:token@host/x` → `https://host/x`: a remote's credentials never reach a label. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]+@/i, '$1');
}

/**
 * As cog: revision = GITHUB_SHA, else `git rev-parse HEAD`; version = GITHUB_REF_NAME, else `git describe --tags
 * --dirty`. source (which cog does not write; buildx's git labels do) = the `origin` remote without credentials.
 * Nothing outside git.
 */
export async function gitLabels(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const inGit = mayBeInGit(dir, env);
  const [revision, version, source] = await Promise.all([
    env.GITHUB_SHA || (inGit ? git(dir, ['rev-parse', 'HEAD']) : ''),
    env.GITHUB_REF_NAME || (inGit ? git(dir, ['describe', '--tags', '--dirty']) : ''),
    inGit ? git(dir, ['remote', 'get-url', 'origin']).then(withoutCredentials) : '',
  ]);
  const labels: Record<string, string> = {};
  if (revision) labels['org.opencontainers.image.revision'] = revision;
  if (version) labels['org.opencontainers.image.version'] = version;
  if (source) labels['org.opencontainers.image.source'] = source;
  return labels;
}

/** The config with `labels` added (a new object; Labels stay sorted, as planImageConfig writes them). */
export function withLabels(config: OciImageConfig, labels: Record<string, string>): OciImageConfig {
  if (Object.keys(labels).length === 0) return config;
  const all: Record<string, string> = { ...config.config.Labels, ...labels };
  const sorted = Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
  return { ...config, config: { ...config.config, Labels: sorted } };
}
