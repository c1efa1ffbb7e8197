/**
 * Read-back: runs one command on a filesystem inside the build (a BuildKit exec, no network) and reads what
 * it printed, through an LLBBridge: the frontend's own, or `cogpack build`'s over its Control connection
 * (controlBridge, for a build run as a gateway build). Labels that need a look inside the image use it,
 * e.g. `run.cog.pip_freeze`. BuildKit caches the exec by its inputs, so an unchanged filesystem costs a
 * solve round trip and one ReadFile, not a new run.
 */
import { marshal, State } from '../../../llb';
import { LlbBridge, type CacheImport } from './bridge';
import type { BuildkitConnection } from '../connection/connection';

export interface ReadBackCommand {
  /** argv; its stdout is what comes back (stderr shows in the build's progress) */
  args: readonly string[];
  /** the exec's whole env (e.g. the image config's Env); nothing is inherited */
  env?: readonly string[];
  /** working directory (default `/`) */
  cwd?: string;
  /** the step's name in the progress output */
  name: string;
}

/** A scratch mount the command's stdout is written into; its state holds that one file. */
const OUT_DIR = '/cogpack-read-back';
/** The one file in a read-back's result (a name no build context is likely to hold at its root). */
export const READ_BACK_FILE = 'cogpack-read-back.stdout';

/** The exec, as the state of its output mount (which holds only READ_BACK_FILE). */
export function readBackState(root: State, cmd: ReadBackCommand): State {
  let st = root
    .clearEnv()
    .network('none')
    .dir(cmd.cwd ?? '/');
  for (const kv of cmd.env ?? []) {
    const at = kv.indexOf('=');
    if (at > 0) st = st.env(kv.slice(0, at), kv.slice(at + 1));
  }
  // BuildKit keeps no stdout of an exec, so the shell writes it into the mount; "$@" keeps argv as given
  const args = ['/bin/sh', '-c', `"$@" > ${OUT_DIR}/${READ_BACK_FILE}`, 'sh', ...cmd.args];
  return st.run({ args, mounts: [{ type: 'bind', dest: OUT_DIR, from: State.scratch() }], name: cmd.name }).mount(OUT_DIR);
}

/** Solves the exec on `root` and returns its stdout; a failing command fails the build with its output in the log. */
export async function readBack(
  bridge: Pick<LlbBridge, 'solve' | 'readFile'>,
  root: State,
  cmd: ReadBackCommand,
  opts: { noCache?: boolean } = {},
): Promise<Buffer> {
  const ref = await bridge.solve(marshal(readBackState(root, cmd), { ignoreCache: opts.noCache }).definition);
  return bridge.readFile(ref, READ_BACK_FILE);
}

/**
 * The LLBBridge of a gateway build this client runs (a Control.Solve with no frontend and no definition, ref
 * `buildRef`): the daemon's forwarder serves it on the same connection, to calls naming that build.
 */
export function controlBridge(conn: BuildkitConnection, buildRef: string, cacheImports: readonly CacheImport[] = []): LlbBridge {
  const metadata = { 'buildkit-controlapi-buildid': buildRef };
  return new LlbBridge({ unary: (path, request) => conn.control.rpc.unary(path, request, { metadata }) }, cacheImports);
}
