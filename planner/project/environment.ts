/** The cog.yaml `environment` list: `NAME=value` entries checked against cog's deny-list of names it owns. */
import { ConfigError } from '../../src/errors';
import type { Ref } from './fs-safe';

/** Names cog (and so cogpack) sets itself at build or run time; `*` is a prefix wildcard. From cog pkg/config/env.go. */
export const ENV_DENY_LIST = [
  'PATH',
  'LD_LIBRARY_PATH',
  'PYTHONPATH',
  'VIRTUAL_ENV',
  'PYTHONUNBUFFERED',
  'R8_*',
  'REPLICATE_*',
  'LIBRARY_PATH',
  'CUDA_*',
  'NVIDIA_*',
  'NV_*',
  'PGET_*',
  'HF_ENDPOINT',
  'HF_HUB_ENABLE_HF_TRANSFER',
  'KUBERNETES_*',
];

function denied(name: string): string | undefined {
  return ENV_DENY_LIST.find((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

/** Parses one `NAME=value` entry; `refOf(i)` says where entry i was written. */
export function parseEnvironment(entries: string[], refOf: (i: number) => Ref): Record<string, string> {
  const env: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
    if (!m) {
      throw new ConfigError('E_ENV_FORMAT', `environment entry "${entry}" is not NAME=value`, {
        ...refOf(i),
        hint: 'write entries as NAME=value with NAME made of letters, digits and _',
      });
    }
    const rule = denied(m[1]);
    if (rule) {
      throw new ConfigError('E_ENV_DENIED', `environment variable ${m[1]} is reserved (matches ${rule})`, {
        ...refOf(i),
        hint: `remove ${m[1]} from environment; cogpack and cog set it themselves`,
      });
    }
    if (m[1] in env) {
      throw new ConfigError('E_ENV_DUPLICATE', `environment variable ${m[1]} is set twice`, { ...refOf(i), hint: 'keep one entry' });
    }
    env[m[1]] = m[2];
  });
  return env;
}
