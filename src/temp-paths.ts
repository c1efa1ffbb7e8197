/**
 * The one registry of temporary files and directories cogpack makes (a psp build's exported rootfs, a
 * package written beside its destination): each is removed when the code that made it is done, and anything
 * still registered is removed when the process exits by any path (normal end, process.exit after a second
 * Ctrl-C, SIGTERM or SIGHUP), so an interrupt never leaves hundreds of MB in /tmp.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const p of live) fs.rmSync(p, { recursive: true, force: true });
  live.clear();
}

/** On a terminating signal: clean up, then die of the same signal (the default action, once the handler is gone). */
function onSignal(sig: NodeJS.Signals): void {
  removeAll();
  process.kill(process.pid, sig);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);
}

/** Registers a path made elsewhere (e.g. a temp file beside an output) for removal at exit. */
export function trackTemp(p: string): string {
  hook();
  live.add(p);
  return p;
}

/** A new private directory under the temp root, registered. */
export function makeTempDir(prefix: string): string {
  return trackTemp(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Removes a registered path now and forgets it. */
export function removeTemp(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
  live.delete(p);
}

/** Forgets a path that became permanent (renamed into place) without removing anything. */
export function keepTemp(p: string): void {
  live.delete(p);
}

/** The paths registered now (for tests). */
export function liveTemps(): string[] {
  return [...live];
}
