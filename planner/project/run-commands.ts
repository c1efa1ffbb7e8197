/**
 * cog.yaml build.run (and pre_install) as commands with mounts. cog pastes each command after `RUN` in a
 * Dockerfile, so a command that starts with `--mount=type=cache,target=…` works there as a mount, not as
 * shell text. cogpack reads those leading flags by the Dockerfile's rules: cache, secret and tmpfs mounts
 * become the plan's mounts; what it cannot honour (bind/ssh mounts, other RUN flags, unknown options) is
 * refused with the fix, since running the flag as a shell word would fail mid-build.
 */
import { posix } from 'node:path';
import type { Mount } from '../plan-schema';
import { ConfigError } from '../../src/errors';
import type { RunItem } from './cog-yaml-schema';

export interface RunCommand {
  /** the shell command, flags removed */
  command: string;
  mounts: Mount[];
}

interface Place {
  file: string;
  line?: number;
}

const SECRET_ID = /^[A-Za-z0-9._-]+$/;
/** Option names per mount type, with the Dockerfile's aliases. */
const OPTIONS: Record<string, string[]> = {
  cache: ['type', 'target', 'dst', 'destination', 'id', 'sharing'],
  secret: ['type', 'target', 'dst', 'destination', 'id', 'required'],
  tmpfs: ['type', 'target', 'dst', 'destination', 'size'],
};

function refuse(place: Place, message: string, hint: string): never {
  throw new ConfigError('E_RUN_MOUNT', message, { ...place, hint });
}

function parseOptions(spec: string, place: Place): Map<string, string | undefined> {
  if (/["']/.test(spec)) refuse(place, `quoted values in --mount=${spec} are not supported`, 'write the mount options without quotes');
  const opts = new Map<string, string | undefined>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (opts.has(key)) refuse(place, `--mount=${spec} sets "${key}" twice`, `keep one ${key}=`);
    opts.set(key, eq < 0 ? undefined : part.slice(eq + 1));
  }
  return opts;
}

function targetOf(opts: Map<string, string | undefined>, spec: string, place: Place): string | undefined {
  const target = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
  if (target !== undefined && !target.startsWith('/'))
    refuse(place, `--mount=${spec}: target "${target}" is not an absolute path`, 'write target=/absolute/path');
  return target && posix.normalize(target).replace(/(.)\/+$/, '$1');
}

const SIZE_RE = /^(\d+)([kmg]?)b?$/i;

function mountOf(spec: string, place: Place): Mount {
  const opts = parseOptions(spec, place);
  const type = opts.get('type') ?? 'bind';
  const allowed = OPTIONS[type];
  if (!allowed) {
    refuse(
      place,
      `--mount=type=${type} in build.run is not supported`,
      'use --mount=type=cache, type=secret or type=tmpfs; files of the project are not visible to build.run (copy what it needs with a python_requirements entry or download it in the command)',
    );
  }
  const unknown = [...opts.keys()].find((k) => !allowed.includes(k));
  if (unknown) refuse(place, `--mount option "${unknown}" is not supported for type=${type}`, `use only ${allowed.filter((k) => k !== 'type').join(', ')}`);
  const target = targetOf(opts, spec, place);
  if (type === 'cache') {
    if (!target) refuse(place, `--mount=${spec} has no target`, 'add target=/path/of/the/cache');
    const sharing = opts.get('sharing') ?? 'shared';
    if (sharing !== 'shared' && sharing !== 'private' && sharing !== 'locked')
      refuse(place, `cache sharing "${sharing}" is not shared, private or locked`, 'use sharing=shared, private or locked');
    return { type: 'cache', target, id: opts.get('id') || target, sharing };
  }
  if (type === 'secret') {
    const id = opts.get('id') || (target && posix.basename(target));
    if (!id || !SECRET_ID.test(id))
      refuse(place, `--mount=${spec} needs an id of letters, digits, ".", "_" and "-"`, 'write id=NAME (and pass it with --secret id=NAME,src=FILE)');
    const required = opts.get('required');
    if (required !== undefined && required !== 'true' && required !== 'false')
      refuse(place, `required=${required} is not true or false`, 'write required=true or required=false');
    return { type: 'secret', target: target ?? `/run/secrets/${id}`, id, required: required === 'true' || (opts.has('required') && required === undefined) };
  }
  if (!target) refuse(place, `--mount=${spec} has no target`, 'add target=/path');
  const size = opts.get('size') ?? '0';
  const m = SIZE_RE.exec(size);
  if (!m) refuse(place, `tmpfs size "${size}" is not a size`, 'write size=BYTES, or with k, m or g');
  return { type: 'tmpfs', target, size: Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase()) };
}

/** Splits the Dockerfile RUN flags off the front of a command; `--mount=` ones become mounts. */
function splitFlags(text: string, place: Place): RunCommand {
  const mounts: Mount[] = [];
  let rest = text.trim();
  for (let m = /^--([A-Za-z-]+)(=(\S*))?(\s+|$)/.exec(rest); m; m = /^--([A-Za-z-]+)(=(\S*))?(\s+|$)/.exec(rest)) {
    if (m[1] !== 'mount') {
      refuse(
        place,
        `the RUN flag --${m[1]} at the start of a build.run command is not supported`,
        'remove it (cogpack reads only --mount=type=cache|secret|tmpfs there)',
      );
    }
    if (!m[3]) refuse(place, '--mount needs options', 'write --mount=type=cache,target=/path');
    mounts.push(mountOf(m[3], place));
    rest = rest.slice(m[0].length);
  }
  if (mounts.length > 0 && !rest) refuse(place, 'a build.run entry has --mount flags but no command', 'write the command after the flags');
  return { command: rest, mounts };
}

/** Every build.run entry, then pre_install, with its mounts; `lineOf` places an error at the entry. */
export function runCommands(run: string | RunItem[] | undefined, preInstall: string[] | undefined, place: (key: string, i?: number) => Place): RunCommand[] {
  const items = typeof run === 'string' ? [{ item: run as RunItem, at: place('run') }] : (run ?? []).map((item, i) => ({ item, at: place('run', i) }));
  const pre = (preInstall ?? []).map((item, i) => ({ item: item as RunItem, at: place('pre_install', i) }));
  return [...items, ...pre].map(({ item, at }) => {
    if (typeof item === 'string') return splitFlags(item, at);
    const parsed = splitFlags(item.command, at);
    const listed = (item.mounts ?? []).map((s): Mount => ({ type: 'secret', target: s.target, id: s.id, required: true }));
    return { command: parsed.command, mounts: [...listed, ...parsed.mounts] };
  });
}
