/**
 * The session against the real Docker/BuildKit from `npm run buildkit:up`: a hand-built LLB copies from
 * `local://context` and reads a secret mount; results come back through FileSend (tar and local exporters).
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { State, marshal } from '../../../llb';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import { protoType } from '../../protobuf/protos';
import { controlSessionDuplex } from '../connection/session-stream';
import { describeWithDaemon } from '../../testing';
import { localDirReceiver, startSession, type SessionOptions } from './index';

const BASE = 'cogpack.local/debian-python:bookworm';
const SCRIPT = 'cat /ctx/hello.txt > /out/result && cat /run/secrets/tok >> /out/result && cd /ctx && find . | sort > /out/listing';

function definitionFor(sessionId: string, script = SCRIPT): Record<string, unknown> {
  const ctx = State.local('context', { sessionId, sharedKeyHint: 'context' });
  const res = State.image(BASE, { resolveMode: 'local' }).run({
    args: ['sh', '-c', script],
    mounts: [
      { type: 'bind', dest: '/ctx', from: ctx, readonly: true },
      { type: 'bind', dest: '/out', from: State.scratch() },
      { type: 'secret', dest: '/run/secrets/tok', id: 'tok' },
    ],
    name: 'session-int: read context and secret',
  });
  const Def = protoType('pb.Definition');
  return Def.toObject(Def.decode(marshal(res.mount('/out')).definition), { longs: String }) as Record<string, unknown>;
}

/** Control.Solve directly (the solve helper lives with the client); exporter output arrives through the session. */
function solve(conn: BuildkitConnection, sessionId: string, exporter: string, script?: string): Promise<Record<string, unknown>> {
  const req = {
    Ref: randomBytes(12).toString('hex'),
    Definition: definitionFor(sessionId, script),
    Session: sessionId,
    Exporters: [{ Type: exporter, Attrs: {} }],
    ExporterDeprecated: exporter,
  };
  return conn.control.call('Solve', req);
}

function contextDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-sess-int-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** Untar the single-directory tar exporter output (regular files only) with the system tar. */
function untar(tarFile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-untar-'));
  execFileSync('tar', ['-xf', tarFile, '-C', dir]);
  return dir;
}

describeWithDaemon('session against the real daemon', (env) => {
  let conn: BuildkitConnection;
  beforeAll(async () => {
    conn = await connectBuildkit({ env: { ...process.env, ...env } as NodeJS.ProcessEnv });
  });
  afterAll(() => conn?.close());

  const options = (dir: string, extra: Partial<SessionOptions> = {}): SessionOptions => ({
    projectDir: dir,
    contexts: { context: { dir, exclude: ['secret.env', '**/*.pyc'] } },
    secrets: { tok: { id: 'tok', type: 'env', env: 'SESSION_INT_TOK' } },
    env: { SESSION_INT_TOK: 'tok-value-1' },
    ...extra,
  });

  it('sends the context (ignore patterns applied), serves the secret, receives a tar through FileSend', async () => {
    const dir = contextDir({ 'hello.txt': 'hello\n', 'secret.env': 'NO', 'sub/a.pyc': 'x', 'sub/m.py': 'm' });
    const tarFile = path.join(dir, '..', `${path.basename(dir)}.tar`);
    const indexes: number[] = [];
    const session = await startSession(conn, options(dir, { fileSend: (i) => (indexes.push(i), fs.createWriteStream(tarFile)) }));
    try {
      await solve(conn, session.id, 'tar');
    } finally {
      await session.close();
    }
    const out = untar(tarFile);
    expect(fs.readFileSync(path.join(out, 'result'), 'utf8')).toBe('hello\ntok-value-1');
    expect(fs.readFileSync(path.join(out, 'listing'), 'utf8')).toBe('.\n./hello.txt\n./sub\n./sub/m.py\n');
    expect(indexes).toEqual([0]);
  }, 60_000);

  it('streams an oci exporter tarball through FileSend', async () => {
    const dir = contextDir({ 'hello.txt': 'oci export\n' });
    const tarFile = path.join(dir, '..', `${path.basename(dir)}.oci.tar`);
    const session = await startSession(conn, options(dir, { fileSend: () => fs.createWriteStream(tarFile) }));
    let res: Record<string, unknown>;
    try {
      res = await solve(conn, session.id, 'oci');
    } finally {
      await session.close();
    }
    const out = untar(tarFile);
    expect(fs.readFileSync(path.join(out, 'oci-layout'), 'utf8')).toContain('imageLayoutVersion');
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const digest = (res.ExporterResponse as Record<string, string>)['containerimage.digest'];
    expect(index.manifests.map((m) => m.digest)).toContain(digest);
  }, 60_000);

  it('receives a local exporter tree into a directory', async () => {
    const dir = contextDir({ 'hello.txt': 'local export\n' });
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-local-out-')), 'out');
    const session = await startSession(conn, options(dir, { fileSend: () => localDirReceiver(dest) }));
    try {
      await solve(conn, session.id, 'local');
    } finally {
      await session.close();
    }
    expect(fs.readFileSync(path.join(dest, 'result'), 'utf8')).toBe('local export\ntok-value-1');
    expect(fs.readFileSync(path.join(dest, 'listing'), 'utf8')).toBe('.\n./hello.txt\n');
  }, 60_000);

  it('re-syncs only the changed file on a rebuild (same shared key, new session)', async () => {
    const files = { 'hello.txt': 'v1\n', 'a.py': 'a'.repeat(5000), 'lib/b.py': 'b', 'lib/c.py': 'c' };
    const dir = contextDir(files);
    const run = async (): Promise<{ requested: number; result: string }> => {
      const tarFile = path.join(dir, '..', `${path.basename(dir)}-${randomBytes(4).toString('hex')}.tar`);
      const session = await startSession(conn, options(dir, { fileSend: () => fs.createWriteStream(tarFile) }));
      try {
        await solve(conn, session.id, 'tar');
      } finally {
        await session.close();
      }
      expect(session.syncs).toHaveLength(1);
      return { requested: session.syncs[0].filesRequested, result: fs.readFileSync(path.join(untar(tarFile), 'result'), 'utf8') };
    };
    const first = await run();
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'v2\n');
    const second = await run();
    expect(first).toEqual({ requested: 4, result: 'v1\ntok-value-1' });
    expect(second).toEqual({ requested: 1, result: 'v2\ntok-value-1' });
  }, 90_000);

  it('works over the Control.Session stream too (the buildkitd transport)', async () => {
    const dir = contextDir({ 'hello.txt': 'via control session\n' });
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-cs-out-')), 'out');
    const viaControl: BuildkitConnection = { ...conn, openSessionTransport: async (h) => controlSessionDuplex(conn.control, h) };
    const session = await startSession(viaControl, options(dir, { fileSend: () => localDirReceiver(dest) }));
    try {
      await solve(conn, session.id, 'local');
    } finally {
      await session.close();
    }
    expect(fs.readFileSync(path.join(dest, 'result'), 'utf8')).toBe('via control session\ntok-value-1');
  }, 60_000);

  it("answers the daemon's health checks during a long solve", async () => {
    const dir = contextDir({ 'hello.txt': `long ${randomBytes(4).toString('hex')}\n` });
    const session = await startSession(conn, options(dir, { fileSend: () => fs.createWriteStream('/dev/null') }));
    try {
      await solve(conn, session.id, 'tar', `sleep 11 && ${SCRIPT}`);
    } finally {
      await session.close();
    }
    expect(session.healthChecks).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('serves the same context twice in one solve with different include patterns', async () => {
    const dir = contextDir({ 'requirements.txt': 'numpy\n', 'app.py': `print(${Date.now() % 1000})\n`, 'lib/x.py': 'x' });
    const tarFile = path.join(dir, '..', `${path.basename(dir)}.two.tar`);
    const session = await startSession(conn, options(dir, { fileSend: () => fs.createWriteStream(tarFile) }));
    try {
      const reqs = State.local('context', { sessionId: session.id, sharedKeyHint: 'context', include: ['requirements.txt'] });
      const all = State.local('context', { sessionId: session.id, sharedKeyHint: 'context' });
      const res = State.image(BASE, { resolveMode: 'local' }).run({
        args: ['sh', '-c', '(cd /reqs && find . | sort) > /out/reqs && (cd /all && find . | sort) > /out/all'],
        mounts: [
          { type: 'bind', dest: '/reqs', from: reqs, readonly: true },
          { type: 'bind', dest: '/all', from: all, readonly: true },
          { type: 'bind', dest: '/out', from: State.scratch() },
        ],
      });
      const Def = protoType('pb.Definition');
      const def = Def.toObject(Def.decode(marshal(res.mount('/out')).definition), { longs: String });
      await conn.control.call('Solve', {
        Ref: randomBytes(12).toString('hex'),
        Definition: def,
        Session: session.id,
        Exporters: [{ Type: 'tar', Attrs: {} }],
        ExporterDeprecated: 'tar',
      });
    } finally {
      await session.close();
    }
    const out = untar(tarFile);
    expect(fs.readFileSync(path.join(out, 'reqs'), 'utf8')).toBe('.\n./requirements.txt\n');
    expect(fs.readFileSync(path.join(out, 'all'), 'utf8')).toBe('.\n./app.py\n./lib\n./lib/x.py\n./requirements.txt\n');
    expect(session.syncs.map((s) => s.entries).sort()).toEqual([1, 4]);
  }, 60_000);

  it('fails the solve when the secret id is unknown to the session', async () => {
    const dir = contextDir({ 'hello.txt': `unknown secret ${randomBytes(4).toString('hex')}\n` });
    const session = await startSession(conn, options(dir, { secrets: {}, fileSend: () => fs.createWriteStream('/dev/null') }));
    try {
      await expect(solve(conn, session.id, 'tar')).rejects.toThrow(/secret tok/);
    } finally {
      await session.close();
    }
  }, 60_000);
});
