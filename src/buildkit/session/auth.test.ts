import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { credentialsFor, fetchToken } from './auth';

function config(data: unknown): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-auth-')), 'config.json');
  fs.writeFileSync(f, JSON.stringify(data));
  return f;
}

describe('registry credentials from the docker config', () => {
  it('decodes auths entries, including the Docker Hub legacy key and scheme-prefixed keys', async () => {
    const f = config({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
        'https://127.0.0.1:5000': { auth: Buffer.from('me:p:w').toString('base64') },
        'ghcr.io': { identitytoken: 'idtok' },
      },
    });
    expect(await credentialsFor('registry-1.docker.io', f)).toEqual({ Username: 'hubuser', Secret: 'hubpass' });
    expect(await credentialsFor('127.0.0.1:5000', f)).toEqual({ Username: 'me', Secret: 'p:w' });
    expect(await credentialsFor('ghcr.io', f)).toEqual({ Secret: 'idtok' });
  });

  it('is anonymous for unknown hosts, a missing file and a helper that has nothing', async () => {
    const f = config({ auths: { 'quay.io': { auth: Buffer.from('a:b').toString('base64') } }, credHelpers: { 'x.io': 'none-such' } });
    expect(await credentialsFor('example.com', f)).toEqual({});
    expect(await credentialsFor('x.io', f)).toEqual({});
    expect(await credentialsFor('quay.io', f + '.missing')).toEqual({});
  });

  it('asks a credential helper for the host', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-helper-'));
    fs.writeFileSync(path.join(bin, 'docker-credential-fake'), '#!/bin/sh\nread host\necho "{\\"Username\\":\\"u-$host\\",\\"Secret\\":\\"s\\"}"\n', {
      mode: 0o755,
    });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const f = config({ credHelpers: { 'reg.local': 'fake' } });
    expect(await credentialsFor('reg.local', f, env)).toEqual({ Username: 'u-reg.local', Secret: 's' });
  });

  it('fetches a bearer token from the realm with basic auth', async () => {
    let seen: http.IncomingMessage | undefined;
    const server = http.createServer((req, res) => {
      seen = req;
      res.end(JSON.stringify({ token: 'T0K', expires_in: 300, issued_at: '2024-01-01T00:00:00Z' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const f = config({ auths: { 'reg.local': { auth: Buffer.from('u:p').toString('base64') } } });
      const t = await fetchToken({ Host: 'reg.local', Realm: `http://127.0.0.1:${port}/token`, Service: 'reg', Scopes: ['repository:a:pull'] }, f);
      expect(t).toEqual({ Token: 'T0K', ExpiresIn: 300, IssuedAt: 1704067200 });
      expect(seen!.url).toBe('/token?service=reg&scope=repository%3Aa%3Apull');
      expect(seen!.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      server.close();
    }
  });
});
