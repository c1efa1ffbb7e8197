/**
 * The OCI image config sent beside the Definition (`containerimage.config`): built from the Plan only,
 * then layered over the base image's config, because BuildKit inherits nothing from the base by itself.
 */
import type { ExportConfig, PlanData } from '../planner/plan-schema';

export interface OciConfigBody {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Labels?: Record<string, string>;
  [other: string]: unknown;
}

export interface OciImageConfig {
  architecture: string;
  os: string;
  config: OciConfigBody;
  [other: string]: unknown;
}

/** BuildKit's default when an image sets no PATH (what the daemon puts in a config-less result). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function configBody(e: ExportConfig): OciConfigBody {
  const body: OciConfigBody = {};
  if (e.user) body.User = e.user;
  if (e.exposed_ports.length) body.ExposedPorts = Object.fromEntries([...e.exposed_ports].sort().map((p) => [p, {}]));
  const env = Object.entries(e.env);
  if (env.length) body.Env = env.map(([k, v]) => `${k}=${v}`);
  if (e.entrypoint.length) body.Entrypoint = [...e.entrypoint];
  if (e.cmd.length) body.Cmd = [...e.cmd];
  if (e.working_dir) body.WorkingDir = e.working_dir;
  if (Object.keys(e.labels).length) body.Labels = sortedRecord(e.labels);
  return body;
}

/** The plan's part of the config; no base-image values, no timestamps. */
export function planImageConfig(plan: PlanData): OciImageConfig {
  return { architecture: plan.platform.arch, os: plan.platform.os, config: configBody(plan.export) };
}

function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const key = (kv: string) => kv.slice(0, kv.indexOf('=') < 0 ? kv.length : kv.indexOf('='));
  const overrides = new Map(over.map((kv) => [key(kv), kv]));
  const out = base.map((kv) => overrides.get(key(kv)) ?? kv);
  const seen = new Set(base.map(key));
  for (const kv of over) if (!seen.has(key(kv))) out.push(kv);
  if (!out.some((kv) => key(kv) === 'PATH')) out.unshift(`PATH=${DEFAULT_PATH}`);
  return out;
}

/** The fields of a base image's config the plan's is merged over: `cogpack build` (Docker's inspect) and the frontend (ResolveImageConfig) keep the same. */
const BASE_CONFIG_KEYS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'] as const;

/** A base image's config as mergeImageConfig takes it: its platform and the set fields of BASE_CONFIG_KEYS. */
export function baseConfigFields(image: { architecture?: string; os?: string; config?: Record<string, unknown> | null }): Partial<OciImageConfig> {
  const config: Record<string, unknown> = {};
  for (const key of BASE_CONFIG_KEYS) {
    const v = image.config?.[key];
    if (v !== null && v !== undefined && v !== '') config[key] = v;
  }
  return { architecture: image.architecture, os: image.os, config } as Partial<OciImageConfig>;
}

/**
 * The plan's config over the base image's: env by key (base PATH etc. kept unless the plan sets them),
 * labels and ports unioned, the rest replaced when the plan sets it. As in Docker, setting an entrypoint
 * drops the base image's cmd. Base fields cogpack does not know (StopSignal, Volumes…) are kept;
 * rootfs/history/created are the exporter's job and are dropped.
 */
export function mergeImageConfig(planConfig: OciImageConfig, baseConfig?: Partial<OciImageConfig> | null): OciImageConfig {
  const b: OciConfigBody = { ...(baseConfig?.config ?? {}) };
  const p = planConfig.config;
  const body: OciConfigBody = { ...b };
  body.Env = mergeEnv(b.Env ?? [], p.Env ?? []);
  if (p.Entrypoint) {
    body.Entrypoint = p.Entrypoint;
    if (p.Cmd) body.Cmd = p.Cmd;
    else delete body.Cmd;
  } else if (p.Cmd) {
    body.Cmd = p.Cmd;
  }
  if (p.WorkingDir) body.WorkingDir = p.WorkingDir;
  if (p.User) body.User = p.User;
  if (b.Labels || p.Labels) body.Labels = sortedRecord({ ...(b.Labels ?? {}), ...(p.Labels ?? {}) });
  if (b.ExposedPorts || p.ExposedPorts) body.ExposedPorts = sortedRecord({ ...(b.ExposedPorts ?? {}), ...(p.ExposedPorts ?? {}) });
  return { architecture: planConfig.architecture, os: planConfig.os, config: sortedRecord(body) };
}
