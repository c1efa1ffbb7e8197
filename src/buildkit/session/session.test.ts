import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { PassThrough, type Duplex } from 'stream';
import * as grpc from '@grpc/grpc-js';
import type { BuildkitConnection } from '../connection/connection';
import { sendContext, type PacketStream } from './file-sync';
import { localDirReceiver, sharedKeyFor, startSession, type Session, type SessionOptions } from './index';
import { receivePackets } from './packet-receiver';
import { decodePacket, encodeBytesMessage, encodePacket, fileSendDefinition, fileSyncDefinition, PacketType, serviceDefinition, type Packet } from './wire';

/** A fake daemon: the session's transport is a unix-socket connection that a grpc-js client dials. */
async function fakeDaemonSession(opts: Partial<SessionOptions>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-sess-'));
  const sock = path.join(dir, 's.sock');
  let accept!: (s: Duplex) => void;
  const accepted = new Promise<Duplex>((r) => (accept = r));
  const server = net.createServer((s) => accept(s));
  await new Promise<void>((r) => server.listen(sock, r));
  const headers: Record<string, string | string[]>[] = [];
  const conn = {
    kind: 'docker',
    addr: 'fake',
    openSessionTransport: async (h: Record<string, string | string[]>) => {
      headers.push(h);
      return accepted;
    },
  } as unknown as BuildkitConnection;
  const client = (fullName: string, def: grpc.ServiceDefinition) =>
    new (grpc.makeGenericClientConstructor(def, fullName))(`unix://${sock}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
  const probe = client('grpc.health.v1.Health', serviceDefinition('grpc.health.v1.Health'));
  probe.waitForReady(Date.now() + 5000, () => {});
  const session = await startSession(conn, { projectDir: dir, contexts: {}, secrets: {}, ...opts });
  const close = async (): Promise<void> => {
    probe.close();
    await session.close();
    server.close();
  };
  return { session, headers: headers[0], client, probe, close, dir };
}

function unary<T>(c: grpc.Client & Record<string, any>, method: string, req: unknown, md = new grpc.Metadata()): Promise<T> {
  return new Promise((resolve, reject) => c[method](req, md, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** A grpc-js client duplex seen as a PacketStream (raw calls are encoded here). */
function asPacketStream(call: grpc.ClientDuplexStream<any, any>, raw: boolean): PacketStream {
  return {
    write: (p: Packet) => call.write(raw ? encodePacket(p) : p),
    end: () => call.end(),
    on(ev, fn) {
      call.on(ev, ev === 'data' && raw ? (b: Buffer) => fn(decodePacket(b)) : fn);
      return this;
    },
  };
}

let env: Awaited<ReturnType<typeof fakeDaemonSession>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('startSession', () => {
  it('closes right after opening without tripping over bytes already on the transport (a build failing at once)', async () => {
    // a socket holding the daemon's HTTP/2 preface and SETTINGS, unread (as after Docker's 101)
    const sockPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-sess-')), 's.sock');
    const server = net.createServer((s) => s.end(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex')])));
    await new Promise<void>((r) => server.listen(sockPath, r));
    const transport = net.connect(sockPath);
    while (transport.readableLength === 0) await new Promise((r) => setTimeout(r, 5));
    const conn = { kind: 'docker', addr: 'fake', openSessionTransport: async () => transport } as unknown as BuildkitConnection;
    const session = await startSession(conn, { projectDir: path.dirname(sockPath), contexts: {}, secrets: {} });
    await session.close();
    await new Promise((r) => setTimeout(r, 20)); // an uncaught TypeError from node:http2 would land here
    server.close();
  });

  it('announces the session with one grpc-method header value per method', async () => {
    env = await fakeDaemonSession({ contexts: { context: { dir: os.tmpdir(), exclude: [] } } });
    const h = env.headers;
    expect(h['X-Docker-Expose-Session-Uuid']).toBe(env.session.id);
    expect(h['X-Docker-Expose-Session-Sharedkey']).toBe(sharedKeyFor(env.dir));
    expect(h['X-Docker-Expose-Session-Grpc-Method']).toEqual([
      '/grpc.health.v1.Health/Check',
      '/moby.filesync.v1.FileSync/DiffCopy',
      '/moby.buildkit.secrets.v1.Secrets/GetSecret',
      '/moby.filesync.v1.Auth/Credentials',
      '/moby.filesync.v1.Auth/FetchToken',
      '/moby.filesync.v1.Auth/GetTokenAuthority',
      '/moby.filesync.v1.Auth/VerifyTokenAuthority',
    ]);
    expect(sharedKeyFor(env.dir)).toBe(sharedKeyFor(env.dir + '/.'));
  });

  it('serves Health as SERVING and token authority as UNIMPLEMENTED', async () => {
    env = await fakeDaemonSession({});
    expect(await unary(env.probe, 'Check', {})).toEqual({ status: 1 /* SERVING */ });
    const auth = env.client('moby.filesync.v1.Auth', serviceDefinition('moby.filesync.v1.Auth'));
    await expect(unary(auth, 'GetTokenAuthority', { Host: 'x' })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    expect(await unary(auth, 'Credentials', { Host: 'nowhere.example' })).toEqual({});
    auth.close();
  });

  it('answers GetSecret for known ids only, without echoing values in errors', async () => {
    env = await fakeDaemonSession({
      secrets: { tok: { id: 'tok', type: 'env', env: 'TOK' }, gone: { id: 'gone', type: 'env', env: 'UNSET_VAR' } },
      env: { TOK: 'v@lue' },
    });
    const secrets = env.client('moby.buildkit.secrets.v1.Secrets', serviceDefinition('moby.buildkit.secrets.v1.Secrets'));
    const res = await unary<{ data: Buffer }>(secrets, 'GetSecret', { ID: 'tok' });
    expect(Buffer.from(res.data).toString()).toBe('v@lue');
    await expect(unary(secrets, 'GetSecret', { ID: 'nope' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(unary(secrets, 'GetSecret', { ID: 'gone' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    secrets.close();
  });

  it('syncs a named context over FileSync.DiffCopy with the daemon-sent patterns', async () => {
    const ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-ctx-'));
    fs.writeFileSync(path.join(ctxDir, 'a.py'), 'a');
    fs.writeFileSync(path.join(ctxDir, 'b.log'), 'b');
    fs.writeFileSync(path.join(ctxDir, '.env'), 'secret');
    env = await fakeDaemonSession({ contexts: { context: { dir: ctxDir, exclude: ['.env'] } } });
    const fsync = env.client('moby.filesync.v1.FileSync', fileSyncDefinition());
    const md = new grpc.Metadata();
    md.set('dir-name', 'context');
    md.add('exclude-patterns', '*.log');
    const seen: string[] = [];
    await receivePackets(asPacketStream(fsync.DiffCopy(md), false), {
      onStat: (s) => (seen.push(s.path), true),
      onData: () => {},
      onFileEnd: () => {},
    });
    expect(seen).toEqual(['a.py']);
    await new Promise((r) => setTimeout(r, 50));
    expect(env.session.syncs).toMatchObject([{ context: 'context', entries: 1, filesRequested: 1, bytesSent: 1 }]);
    const bad = new grpc.Metadata();
    bad.set('dir-name', 'other');
    const call = fsync.DiffCopy(bad);
    await expect(new Promise((_r, reject) => call.on('error', reject))).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    fsync.close();
  });

  it('honours every include pattern when the daemon repeats the header field (as Go grpc sends them)', async () => {
    const ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-ctx-'));
    for (const f of ['a-1.0-py3-none-any.whl', 'b-2.0-py3-none-any.whl', 'c-3.0-py3-none-any.whl', 'x, y.txt']) fs.writeFileSync(path.join(ctxDir, f), f);
    env = await fakeDaemonSession({ contexts: { wheels: { dir: ctxDir, exclude: [] } } });
    const fsync = env.client('moby.filesync.v1.FileSync', fileSyncDefinition());
    const md = new grpc.Metadata();
    md.set('dir-name', 'wheels');
    for (const p of ['a-1.0-py3-none-any.whl', 'b-2.0-py3-none-any.whl', 'x, y.txt']) md.add('include-patterns', encodeURIComponent(p));
    md.set('include-patterns-encoded', '1');
    md.add('exclude-patterns', 'b-*');
    md.add('exclude-patterns', 'nothing');
    const seen: string[] = [];
    await receivePackets(asPacketStream(fsync.DiffCopy(md), false), {
      onStat: (s) => (seen.push(s.path), true),
      onData: () => {},
      onFileEnd: () => {},
    });
    expect(seen).toEqual(['a-1.0-py3-none-any.whl', 'x, y.txt']);
    fsync.close();
  });

  it('writes a tar exporter stream (BytesMessages) to the chosen Writable, keyed by exporter id', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const calls: [number, Record<string, string>][] = [];
    env = await fakeDaemonSession({ fileSend: (i, md) => (calls.push([i, md]), out) });
    const send = env.client('moby.filesync.v1.FileSend', fileSendDefinition());
    const md = new grpc.Metadata();
    md.set('buildkit-attachable-exporter-id', '1');
    md.set('exporter-md-image.name', 'x');
    const call = send.DiffCopy(md);
    const ended = new Promise((r) => call.on('end', r));
    call.on('data', () => {});
    call.write(encodeBytesMessage(Buffer.from('tar-part-1,')));
    call.write(encodeBytesMessage(Buffer.from('tar-part-2')));
    call.end();
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('tar-part-1,tar-part-2');
    expect(calls).toEqual([[1, { 'image.name': 'x' }]]);
    send.close();
  });

  it('receives a local exporter tree (fsutil Packets) into dest, with modes and mtimes', async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-src-'));
    fs.mkdirSync(path.join(src, 'bin'));
    fs.writeFileSync(path.join(src, 'bin/run'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(src, 'big'), Buffer.alloc(70_000, 7));
    fs.symlinkSync('bin/run', path.join(src, 'link'));
    fs.utimesSync(path.join(src, 'big'), 1600000000, 1600000000);
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-dest-')), 'out');
    env = await fakeDaemonSession({ fileSend: () => localDirReceiver(dest) });
    const send = env.client('moby.filesync.v1.FileSend', fileSendDefinition());
    await sendContext(asPacketStream(send.DiffCopy(new grpc.Metadata()), true), 'export', src, {});
    expect(fs.statSync(path.join(dest, 'bin/run')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(dest, 'big')).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(fs.statSync(path.join(dest, 'big')).mtimeMs).toBe(1600000000000);
    expect(fs.readlinkSync(path.join(dest, 'link'))).toBe('bin/run');
    send.close();
  });

  it('refuses a local export entry that escapes dest, including through a received symlink', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-esc-'));
    const dest = path.join(root, 'out');
    env = await fakeDaemonSession({ fileSend: () => localDirReceiver(dest) });
    const send = env.client('moby.filesync.v1.FileSend', fileSendDefinition());
    const dir = 2 ** 31 + 0o755; // Go's os.ModeDir
    fs.mkdirSync(path.join(root, 'b'));
    for (const evil of [
      [{ path: '../evil', mode: 0o644 }],
      [
        { path: 'ln', mode: (1 << 27) + 0o777, linkname: root },
        { path: 'ln/evil', mode: 0o644 },
      ],
      // a directory already written, then replaced by a symlink: what was known under it is forgotten
      [
        { path: 'a', mode: dir },
        { path: 'a/b', mode: dir },
        { path: 'a', mode: (1 << 27) + 0o777, linkname: root },
        { path: 'a/b/evil', mode: 0o644 },
      ],
    ]) {
      const call = send.DiffCopy(new grpc.Metadata());
      const got: Packet[] = [];
      const done = new Promise((r) => call.on('error', r).on('end', r).on('close', r));
      call.on('data', (b: Buffer) => got.push(decodePacket(b)));
      for (const stat of evil) call.write(encodePacket({ type: PacketType.STAT, stat }));
      call.write(encodePacket({ type: PacketType.STAT }));
      await done;
      expect(got.some((p) => p.type === PacketType.REQ)).toBe(false);
    }
    expect(fs.existsSync(path.join(root, 'evil'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'b', 'evil'))).toBe(false);
    send.close();
  });
});

export type { Session };
