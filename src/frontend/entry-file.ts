/**
 * Reads the entry file (`-f`) from the client's `dockerfile` local and tells what it is: a cog.yaml, a
 * pyproject.toml, a plan JSON written by `cogpack plan --json` (which skips the planner), or any other
 * project file (e.g. requirements.txt), in which case the context is planned as it is, like `cogpack build`.
 */
import { State, marshal } from '../../llb';
import { ConfigError } from '../errors';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import { readIfPresent } from './context-tree';
import type { FrontendOptions } from './options';

export type EntryKind = 'cog' | 'pyproject' | 'plan' | 'project';

export interface EntryFile {
  kind: EntryKind;
  /** the name the planner expects in the project directory (cog.yaml / pyproject.toml), or the plan's file name */
  name: string;
  text: string;
}

/** Tried in order when no -f was given (buildx then sends filename=Dockerfile). */
const DEFAULT_ENTRIES = ['cog.yaml', 'pyproject.toml'];

export function classifyEntry(filename: string, text: string): EntryFile {
  const body = text.replace(/^\uFEFF/, '');
  if (/\.json$/i.test(filename) || /^\s*\{/.test(body)) return { kind: 'plan', name: filename, text: body };
  if (/\.toml$/i.test(filename)) return { kind: 'pyproject', name: 'pyproject.toml', text: body };
  if (/\.ya?ml$/i.test(filename)) return { kind: 'cog', name: 'cog.yaml', text: body };
  return { kind: 'project', name: filename, text: body };
}

/** A local source of only the candidate names, like dockerui's dockerfile load (shared key hint `dockerfile`). */
function entryDefinition(opts: FrontendOptions, names: string[]): Uint8Array {
  const st = State.local(opts.dockerfileKey, {
    sessionId: opts.sessionId,
    sharedKeyHint: opts.dockerfileKey,
    include: names,
    name: `[cogpack] load ${names.join(', ')}`,
  });
  return marshal(st).definition;
}

/**
 * Reads every candidate at once, straight after the (lazy) Solve: no ReadDir first, so the entry costs two round
 * trips. The first candidate present wins, in DEFAULT_ENTRIES order.
 */
export async function readEntryFile(bridge: LlbBridge, opts: FrontendOptions): Promise<EntryFile> {
  const names = opts.filename ? [opts.filename] : DEFAULT_ENTRIES;
  const ref = await bridge.solve(entryDefinition(opts, names));
  const data = await Promise.all(names.map((n) => readIfPresent(bridge, ref, n)));
  const i = data.findIndex((d) => d !== undefined);
  if (i < 0 && !opts.filename) return { kind: 'project', name: '', text: '' }; // the planner says what is missing
  if (i < 0) {
    throw new ConfigError('E_FRONTEND_ENTRY', `no ${names.join(' or ')} in the build context`, {
      hint: 'pass the project file with -f, e.g. docker buildx build -f cog.yaml .',
    });
  }
  return classifyEntry(names[i], (data[i] as Buffer).toString('utf8'));
}
