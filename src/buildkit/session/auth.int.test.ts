/**
 * Registry auth through the session on the real daemon: a private docker-registry with htpasswd (basic)
 * auth; the daemon asks the session's Auth.Credentials, which reads the docker config we point it at.
 * Skips without a daemon, without Debian's docker-registry, or without a bcrypt-capable crypt(3).
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { State, marshal } from '../../../llb';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import { protoType } from '../../protobuf/protos';
import { daemonEnv, NO_DAEMON_MESSAGE } from '../../testing';
import { startSession } from './index';

const USER = 'cogpack';
const PASSWORD = randomBytes(8).toString('hex');

function bcrypt(password: string): string | null {
  const py = 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))';
  const res = spawnSync('python3', ['-W', 'ignore', '-c', py, password], { encoding: 'utf8' });
  const hash = res.stdout?.trim();
  return res.status === 0 && hash?.startsWith('$2') ? hash : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry']).status === 0;
const hash = hasRegistry ? bcrypt(PASSWORD) : null;
const env = daemonEnv();
const why = !env
  ? NO_DAEMON_MESSAGE
  : !hasRegistry
    ? 'docker-registry is not installed (apt-get install docker-registry)'
    : 'python3 crypt cannot make bcrypt hashes';
const maybe = env && hash ? describe : describe.skip;
if (!(env && hash)) console.warn(`session Auth integration test skipped: ${why}`);

maybe(`session Auth against a registry with basic auth${env && hash ? '' : ` (skipped: ${why})`}`, () => {
  let conn: BuildkitConnection;
  let registry: ChildProcess;
  let addr: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-auth-int-'));

  beforeAll(async () => {
    addr = `127.0.0.1:${await freePort()}`;
    fs.writeFileSync(path.join(work, 'htpasswd'), `${USER}:${hash}\n`);
    fs.writeFileSync(
      path.join(work, 'config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${work}/data`,
        'auth:',
        '  htpasswd:',
        '    realm: cogpack-test',
        `    path: ${work}/htpasswd`,
        'http:',
        `  addr: ${addr}`,
        '',
      ].join('\n'),
    );
    registry = spawn('docker-registry', ['serve', path.join(work, 'config.yml')], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`http://${addr}/v2/`).catch(() => undefined);
      if (res?.status === 401) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    conn = await connectBuildkit({ env: { ...process.env, ...env } as NodeJS.ProcessEnv });
  });
  afterAll(() => {
    conn?.close();
    if (registry?.pid) process.kill(registry.pid);
  });

  async function push(dockerConfig: object, tag: string): Promise<void> {
    const configPath = path.join(work, `docker-config-${tag}.json`);
    fs.writeFileSync(configPath, JSON.stringify(dockerConfig));
    const session = await startSession(conn, { projectDir: work, contexts: {}, secrets: {}, dockerConfigPath: configPath });
    // A one-file image from scratch: the push is about auth, not about moving a base image's layers.
    const img = State.scratch().file([{ action: 'mkfile', path: '/tag', data: `${tag}\n`, mode: 0o644 }]);
    const Def = protoType('pb.Definition');
    const def = Def.toObject(Def.decode(marshal(img).definition), { longs: String });
    const attrs = { name: `${addr}/session-auth/img:${tag}`, push: 'true', 'registry.insecure': 'true' };
    try {
      await conn.control.call('Solve', {
        Ref: randomBytes(12).toString('hex'),
        Definition: def,
        Session: session.id,
        Exporters: [{ Type: 'image', Attrs: attrs }],
        ExporterDeprecated: 'image',
        ExporterAttrsDeprecated: attrs,
      });
    } finally {
      await session.close();
    }
  }

  it('pushes with the credentials from the docker config the session reads', async () => {
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    await push({ auths: { [addr]: { auth } } }, 'withcreds');
    const res = await fetch(`http://${addr}/v2/session-auth/img/manifests/withcreds`, {
      headers: {
        authorization: `Basic ${auth}`,
        accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
      },
    });
    expect(res.status).toBe(200);
  }, 120_000);

  it('is anonymous without credentials, so the push is refused', async () => {
    await expect(push({}, 'anonymous')).rejects.toThrow(/401|unauthorized|authoriz/i);
  }, 120_000);
});
