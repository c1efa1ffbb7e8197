/**
 * `run.cog.config` as cog writes it: Go's json.Marshal of cog's `config.Config` (pkg/config/config.go, the
 * struct cog's build.go marshals), so Replicate reads the same bytes from a cogpack image. That means keys in
 * the struct's field order (not sorted), `omitempty` fields left out when empty, `build.run` items as
 * `{"command", "mounts"}` objects, the predictor under `predict` (cog.yaml `run:` or `predict:`), and Go's
 * HTML-safe escaping of `<`, `>`, `&`. Matched: cog ≥ 0.9's Config (build, image, predict, train, concurrency,
 * environment) and Build (gpu … cudnn), with `sdk_version` (newer cog) and `weights` only when cog.yaml sets them.
 * Values are the effective ones: the resolved python version, gpu, and the CUDA/cuDNN the resolver picked.
 */
import type { CogYaml, RunItem } from '../../planner/project/cog-yaml-schema';

export interface EffectiveBuild {
  python: string;
  gpu: boolean;
  cuda?: { version: string; cudnn?: string };
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) && v.length === 0);

/** An object of the given keys in order, without the empty ones (Go's omitempty). */
function omitEmpty(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries.filter(([, v]) => !empty(v)));
}

function runItem(item: RunItem): Record<string, unknown> {
  if (typeof item === 'string') return { command: item };
  return omitEmpty([
    ['command', item.command],
    [
      'mounts',
      item.mounts?.map((m) =>
        omitEmpty([
          ['type', m.type],
          ['id', m.id],
          ['target', m.target],
        ]),
      ),
    ],
  ]);
}

export function cogConfigValue(data: CogYaml, eff: EffectiveBuild): Record<string, unknown> {
  const b = data.build ?? {};
  const run = typeof b.run === 'string' ? [b.run] : b.run;
  const build = omitEmpty([
    ['gpu', eff.gpu],
    ['python_version', eff.python],
    ['python_requirements', b.python_requirements],
    ['python_packages', b.python_packages],
    ['run', run?.map(runItem)],
    ['system_packages', b.system_packages],
    ['pre_install', b.pre_install],
    ['cuda', eff.cuda?.version],
    ['cudnn', eff.cuda?.cudnn],
    ['sdk_version', b.sdk_version],
  ]);
  return {
    build, // never omitted: cog's Build is always set
    ...omitEmpty([
      ['image', data.image],
      ['predict', data.run ?? data.predict],
      ['train', data.train],
      ['concurrency', data.concurrency ? omitEmpty([['max', data.concurrency.max]]) : undefined],
      ['environment', data.environment],
      ['weights', data.weights],
    ]),
  };
}

/** JSON.stringify plus Go's encoding/json escaping of `<`, `>`, `&`, U+2028 and U+2029 (only strings can hold them). */
export function goJson(value: unknown): string {
  const esc: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => esc[c]);
}

export function cogConfigJson(data: CogYaml, eff: EffectiveBuild): string {
  return goJson(cogConfigValue(data, eff));
}
