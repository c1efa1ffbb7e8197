/**
 * `--cog-sdk` / COGPACK_COG_SDK: pypi, none, a cog wheel, or a wheelhouse directory holding one. A wheel path
 * becomes project-relative (the plan holds no machine path); its directory is where the SDK's own
 * dependencies are looked for, as `pip install --find-links DIR` would.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve as resolvePath, sep } from 'node:path';
import type { CogSdkSource } from './plan-options';
import { UsageError } from '../src/errors';

/** `cog-0.13.6-py3-none-any.whl` → 0.13.6 (a wheel name is `{dist}-{version}(-{build})?-{py}-{abi}-{plat}.whl`). */
const COG_WHEEL = /^cog-([^-]+)-(?:[^-]+-)?[^-]+-[^-]+-[^-]+\.whl$/;

const HINT = 'pass --cog-sdk pypi, --cog-sdk none, --cog-sdk path/to/cog-X-py3-none-any.whl or a directory holding one cog wheel';

function pickWheel(dir: string, spec: string): string {
  const cogs = readdirSync(dir)
    .filter((f) => COG_WHEEL.test(f))
    .sort();
  if (cogs.length === 1) return join(dir, cogs[0]);
  const what = cogs.length === 0 ? 'holds no cog-*.whl' : `holds several cog wheels (${cogs.join(', ')})`;
  throw new UsageError('E_COG_SDK', `--cog-sdk "${spec}" ${what}`, { hint: cogs.length ? 'pass the path of the one to install' : HINT });
}

export function parseCogSdk(spec: string | undefined, projectDir: string): CogSdkSource {
  const s = (spec ?? 'pypi').trim();
  if (s === 'pypi' || s === '') return { kind: 'pypi' };
  if (s === 'none') return { kind: 'none' };
  const st = existsSync(s) ? statSync(s) : undefined;
  const wheel = st?.isDirectory() ? pickWheel(s, s) : st?.isFile() && s.endsWith('.whl') ? s : undefined;
  const version = wheel && COG_WHEEL.exec(basename(wheel))?.[1];
  if (!wheel || !version) {
    throw new UsageError('E_COG_SDK', `--cog-sdk "${s}" is not pypi, none, a cog-*.whl file or a directory holding one`, { hint: HINT });
  }
  const others = readdirSync(dirname(wheel)).some((f) => f.endsWith('.whl') && f !== basename(wheel));
  return { kind: 'wheel', path: relative(projectDir, resolvePath(wheel)).split(sep).join('/'), version, wheelhouse: others };
}
