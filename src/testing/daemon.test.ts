import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { daemonAnswers, daemonEnv, localImageMap } from './daemon';

const FAKE_DAEMON = `
const [sock, log] = process.argv.slice(1);
require('node:http').createServer((req, res) => {
  require('node:fs').appendFileSync(log, req.method + ' ' + req.url + '\\n');
  res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK');
}).listen(sock);`;

describe('daemonEnv', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-daemon-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns null when DOCKER_HOST names a socket nobody listens on', () => {
    expect(daemonEnv({ DOCKER_HOST: `unix://${path.join(dir, 'none.sock')}` })).toBeNull();
    expect(daemonAnswers('ssh://example')).toBe(false);
  });

  it('returns the env with the local image map when /_ping answers 200', async () => {
    // daemonEnv is synchronous (it blocks this event loop), so the fake daemon lives in another process.
    const sock = path.join(dir, 'fake.sock');
    const log = path.join(dir, 'requests.log');
    const fake = spawn(process.execPath, ['-e', FAKE_DAEMON, sock, log], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      const env = daemonEnv({ DOCKER_HOST: `unix://${sock}`, COGPACK_DOCKER: '/x/docker' });
      expect(env).toMatchObject({ DOCKER_HOST: `unix://${sock}`, COGPACK_DOCKER: '/x/docker' });
      expect(env?.COGPACK_IMAGE_MAP).toBe(localImageMap());
      expect(fs.readFileSync(log, 'utf8')).toContain('GET /_ping');
    } finally {
      fake.kill();
    }
  });

  it('maps python:3.11-slim and the CUDA fixture tags to local images', () => {
    const map = Object.fromEntries(
      localImageMap()
        .split(',')
        .map((kv) => kv.split('=')),
    );
    expect(map['docker.io/library/python:3.11-slim']).toBe('cogpack.local/debian-python:bookworm');
    expect(map['docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04']).toBe('cogpack.local/cuda-standin:bookworm');
  });
});
