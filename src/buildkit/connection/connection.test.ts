import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectBuildkit, listWorkers } from './connection';
import { execFileSync } from 'child_process';
import * as grpc from '@grpc/grpc-js';
import { controlServer, startFakeBuildkitd, startFakeDocker, type FakeDaemon } from './fake-daemon';
import { DaemonError } from '../errors';

describe('connectBuildkit', () => {
  let fake: FakeDaemon | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('reaches a buildkitd-style unix socket from BUILDKIT_HOST', async () => {
    fake = await startFakeBuildkitd();
    const conn = await connectBuildkit({ env: { BUILDKIT_HOST: `unix://${fake.socketPath}` } });
    expect(conn.kind).toBe('buildkitd');
    expect((await listWorkers(conn.control, 2000))[0].id).toBe('fake');
    conn.close();
  });

  it('reaches Docker through POST /grpc upgraded to h2c, HTTP/2 straight on the upgraded socket', async () => {
    fake = await startFakeDocker();
    const conn = await connectBuildkit({ env: { DOCKER_HOST: `unix://${fake.socketPath}` } });
    expect(conn.kind).toBe('docker');
    // a second call on the same session: the upgraded socket carries every Control call
    expect((await listWorkers(conn.control, 2000))[0].labels['org.mobyproject.buildkit.worker.snapshotter']).toBe('overlayfs');
    expect(fake.upgrades).toEqual(['/grpc']); // no separate probe upgrade, no second connection
    conn.close();
  });

  it('falls through a dead BUILDKIT_HOST to DOCKER_HOST', async () => {
    fake = await startFakeDocker();
    const conn = await connectBuildkit({ env: { BUILDKIT_HOST: 'unix:///nonexistent/bk.sock', DOCKER_HOST: `unix://${fake.socketPath}` } });
    expect(conn.kind).toBe('docker');
    conn.close();
  });

  it('opens a /session upgrade carrying every header value, one line per grpc method', async () => {
    fake = await startFakeDocker();
    const conn = await connectBuildkit({ addr: `docker://unix://${fake.socketPath}`, env: {} });
    const sock = await conn.openSessionTransport({
      'X-Docker-Expose-Session-Uuid': 'abc',
      'X-Docker-Expose-Session-Grpc-Method': ['/grpc.health.v1.Health/Check', '/moby.filesync.v1.FileSync/DiffCopy'],
    });
    const echoed = new Promise<string>((resolve) => sock.once('data', (d: Buffer) => resolve(d.toString())));
    sock.write('ping');
    expect(await echoed).toBe('ping');
    expect(fake.sessions[0]['x-docker-expose-session-uuid']).toBe('abc');
    expect(fake.sessions[0]['x-docker-expose-session-grpc-method']).toContain('/moby.filesync.v1.FileSync/DiffCopy');
    sock.destroy();
    conn.close();
  });

  it('carries a buildkitd session over the Control.Session stream, headers as lower-cased metadata', async () => {
    let seen: Record<string, unknown> = {};
    fake = await startFakeBuildkitd({
      Session: (call: any) => {
        seen = call.metadata.getMap();
        call.on('data', (m: { data: Buffer }) => call.write({ data: Buffer.concat([Buffer.from('echo:'), m.data]) }));
        call.on('end', () => call.end());
      },
    });
    const conn = await connectBuildkit({ addr: `unix://${fake.socketPath}`, env: {} });
    const stream = await conn.openSessionTransport({ 'X-Docker-Expose-Session-Uuid': 'sid1' });
    const echoed = new Promise<string>((resolve) => stream.once('data', (d: Buffer) => resolve(d.toString())));
    stream.write(Buffer.from('hello'));
    expect(await echoed).toBe('echo:hello');
    expect(seen['x-docker-expose-session-uuid']).toBe('sid1');
    stream.end();
    stream.destroy();
    conn.close();
  });

  it('names every endpoint it tried when none answers (daemon category, exit 3)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodaemon-'));
    const stale = path.join(dir, 'docker.sock');
    fs.writeFileSync(stale, ''); // a file that is not a socket: connect fails
    const err = await connectBuildkit({ env: { BUILDKIT_HOST: 'unix:///nonexistent/bk.sock', DOCKER_HOST: `unix://${stale}` } }).catch((e) => e);
    expect(err).toBeInstanceOf(DaemonError);
    expect(err.exitCode).toBe(3);
    expect(err.toOneLine()).toContain('unix:///nonexistent/bk.sock (no socket)');
    expect(err.toOneLine()).toContain(`docker unix://${stale}`);
    expect(err.toOneLine()).not.toMatch(/\n/);
    fs.rmSync(dir, { recursive: true });
  });

  it('reports a non-101 answer from something that is not Docker', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notdocker-'));
    const sockPath = path.join(dir, 's.sock');
    const http = await import('http');
    const server = http.createServer((_q, r) => r.writeHead(404).end('nope')).listen(sockPath);
    await new Promise((r) => server.once('listening', r));
    const err = await connectBuildkit({ addr: `docker://unix://${sockPath}`, env: {} }).catch((e) => e);
    expect(err.toOneLine()).toMatch(/POST \/grpc answered "HTTP\/1.1 404 Not Found"/);
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true });
  });

  describe('buildkitd over TCP', () => {
    let server: grpc.Server | undefined;
    afterEach(() => server?.forceShutdown());
    const bind = (creds: grpc.ServerCredentials) =>
      new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', creds, (e, port) => (e ? reject(e) : resolve(port))));

    it('plain tcp:// (h2c)', async () => {
      server = controlServer();
      const port = await bind(grpc.ServerCredentials.createInsecure());
      const conn = await connectBuildkit({ addr: `tcp://127.0.0.1:${port}`, env: {} });
      expect((await listWorkers(conn.control, 2000))[0].id).toBe('fake');
      conn.close();
    });

    it('tcp:// with TLS: client certificate, CA, server name, ALPN h2 (grpc servers refuse TLS without it)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-tls-'));
      const f = (n: string) => path.join(dir, n);
      const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
      ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
      fs.writeFileSync(f('ext'), 'subjectAltName=DNS:buildkitd.test\n');
      for (const who of ['server', 'client']) {
        ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`)]);
        ssl([
          'x509',
          '-req',
          '-in',
          f(`${who}.csr`),
          '-CA',
          f('ca.pem'),
          '-CAkey',
          f('ca.key'),
          '-CAcreateserial',
          '-days',
          '1',
          '-extfile',
          f('ext'),
          '-out',
          f(`${who}.pem`),
        ]);
      }
      server = controlServer();
      const creds = grpc.ServerCredentials.createSsl(
        fs.readFileSync(f('ca.pem')),
        [{ private_key: fs.readFileSync(f('server.key')), cert_chain: fs.readFileSync(f('server.pem')) }],
        true,
      );
      const port = await bind(creds);
      const tls = { caCert: f('ca.pem'), cert: f('client.pem'), key: f('client.key'), serverName: 'buildkitd.test' };
      const conn = await connectBuildkit({ addr: `tcp://127.0.0.1:${port}`, env: {}, tls });
      expect(conn.kind).toBe('buildkitd');
      expect((await listWorkers(conn.control, 2000))[0].id).toBe('fake');
      conn.close();
      // without the client certificate the server refuses: one clear E_NO_DAEMON naming the address
      const err = await connectBuildkit({
        addr: `tcp://127.0.0.1:${port}`,
        env: {},
        tls: { caCert: f('ca.pem'), serverName: 'buildkitd.test' },
        timeoutMs: 3000,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(DaemonError);
      expect(err.toOneLine()).toContain(`tcp://127.0.0.1:${port} (`);
      fs.rmSync(dir, { recursive: true, force: true });
    }, 30_000);
  });
});
