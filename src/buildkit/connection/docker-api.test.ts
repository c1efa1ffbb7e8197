import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { BuildkitConnection } from './connection';
import { baseImageConfig, dockerFor, imageLayers, inspectImage } from './docker-api';

/** A Docker-like HTTP server on a unix socket answering the two image routes cogpack reads. */
async function fakeDocker(routes: Record<string, unknown>): Promise<{ conn: BuildkitConnection; paths: string[]; close(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-api-'));
  const socketPath = path.join(dir, 'd.sock');
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body === undefined ? '{"message":"No such image"}' : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  const conn = { kind: 'docker', endpoint: { dial: { kind: 'unix', socketPath } } } as unknown as BuildkitConnection;
  return { conn, paths, close: () => (server.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

describe('docker api', () => {
  it('is null for a standalone buildkitd', () => {
    expect(dockerFor({ kind: 'buildkitd' } as BuildkitConnection)).toBeNull();
  });

  it('reads the base config (non-empty keys only) and answers null for a missing image', async () => {
    const d = await fakeDocker({
      '/images/docker.io/library/py:3.11/json': {
        Id: 'sha256:i',
        Architecture: 'amd64',
        Os: 'linux',
        Config: { Env: ['A=1'], Cmd: null, WorkingDir: '', User: 'u' },
        RootFS: { Layers: ['sha256:a'] },
      },
    });
    try {
      const api = dockerFor(d.conn)!;
      expect(await baseImageConfig(api, 'docker.io/library/py:3.11')).toEqual({ architecture: 'amd64', os: 'linux', config: { Env: ['A=1'], User: 'u' } });
      expect(await inspectImage(api, 'nope:1')).toBeNull();
      await expect(api.get('/broken')).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      d.close();
    }
  });

  it('matches layers with the newest non-empty history entries', async () => {
    const d = await fakeDocker({
      '/images/x/json': { Id: 'sha256:i', RootFS: { Layers: ['sha256:a', 'sha256:b'] } },
      // newest first, as Docker lists it
      '/images/x/history': [
        { Size: 20, CreatedBy: 'code' },
        { Size: 10, CreatedBy: 'base' },
      ],
    });
    try {
      const res = await imageLayers(dockerFor(d.conn)!, 'x');
      expect(res).toEqual({
        id: 'sha256:i',
        layers: [
          { diffId: 'sha256:a', size: 10, createdBy: 'base' },
          { diffId: 'sha256:b', size: 20, createdBy: 'code' },
        ],
      });
    } finally {
      d.close();
    }
  });

  it('gives null sizes when Docker has no history yet', async () => {
    const d = await fakeDocker({ '/images/x/json': { Id: 'sha256:i', RootFS: { Layers: ['sha256:a'] } } });
    try {
      expect((await imageLayers(dockerFor(d.conn)!, 'x')).layers).toEqual([{ diffId: 'sha256:a', size: null, createdBy: '' }]);
    } finally {
      d.close();
    }
  });
});
