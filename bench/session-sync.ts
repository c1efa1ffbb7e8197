/**
 * Measures context transfer through the session on the real daemon: a cold sync, a no-change re-sync
 * and a one-file-edit re-sync of the same directory. Run: `npx tsx bench/session-sync.ts [files] [bigMiB]`.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { State, marshal } from '../llb';
import { connectBuildkit, type BuildkitConnection } from '../src/buildkit/connection/connection';
import { protoType } from '../src/protobuf/protos';
import { daemonEnv, NO_DAEMON_MESSAGE } from '../src/testing';
import { startSession } from '../src/buildkit/session/index';

function makeContext(files: number, bigMiB: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-sync-bench-'));
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `pkg${i % 50}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `m${i}.py`), randomBytes(512).toString('hex'));
  }
  fs.writeFileSync(path.join(dir, 'weights.bin'), randomBytes(bigMiB * 1024 * 1024));
  return dir;
}

/** A solve whose result is only the local source: the daemon syncs it and exports nothing. */
async function syncOnce(conn: BuildkitConnection, dir: string): Promise<{ ms: number; syncMs: number; requested: number; bytes: number }> {
  const session = await startSession(conn, { projectDir: dir, contexts: { context: { dir, exclude: [] } }, secrets: {} });
  const ctx = State.local('context', { sessionId: session.id, sharedKeyHint: 'context' });
  const Def = protoType('pb.Definition');
  const def = Def.toObject(Def.decode(marshal(ctx).definition), { longs: String });
  const start = process.hrtime.bigint();
  try {
    await conn.control.call('Solve', { Ref: randomBytes(12).toString('hex'), Definition: def, Session: session.id });
  } finally {
    await session.close();
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const s = session.syncs[0];
  return { ms, syncMs: s?.durationMs ?? 0, requested: s?.filesRequested ?? 0, bytes: s?.bytesSent ?? 0 };
}

async function main(): Promise<void> {
  const env = daemonEnv();
  if (!env) throw new Error(NO_DAEMON_MESSAGE);
  const files = Number(process.argv[2] ?? 2000);
  const bigMiB = Number(process.argv[3] ?? 100);
  const conn = await connectBuildkit({ env: { ...process.env, ...env } as NodeJS.ProcessEnv });
  const dir = makeContext(files, bigMiB);
  try {
    const rows: [string, Awaited<ReturnType<typeof syncOnce>>][] = [];
    rows.push(['cold', await syncOnce(conn, dir)]);
    rows.push(['no change', await syncOnce(conn, dir)]);
    fs.writeFileSync(path.join(dir, 'pkg0', 'm0.py'), 'edited');
    rows.push(['one file edited', await syncOnce(conn, dir)]);
    console.log(`context: ${files} files of 1 KiB + one ${bigMiB} MiB file`);
    console.log('case             solve ms   sync ms   files sent   MiB sent');
    for (const [name, r] of rows) {
      const cols = [r.ms.toFixed(0).padStart(8), String(r.syncMs).padStart(9), String(r.requested).padStart(12), (r.bytes / 2 ** 20).toFixed(1).padStart(10)];
      console.log(`${name.padEnd(16)} ${cols.join(' ')}`);
    }
  } finally {
    conn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
