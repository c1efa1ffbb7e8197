import { candidateEndpoints, parseAddr } from './endpoint';
import { UsageError } from '../../errors';

describe('endpoints', () => {
  it('an explicit address is the only candidate', () => {
    const c = candidateEndpoints({ addr: 'tcp://buildkit.example:1234', env: { DOCKER_HOST: 'unix:///x.sock' } });
    expect(c).toEqual([
      { kind: 'buildkitd', addr: 'tcp://buildkit.example:1234', dial: { kind: 'tcp', host: 'buildkit.example', port: 1234, tls: undefined } },
    ]);
  });

  it('tries BUILDKIT_HOST before DOCKER_HOST', () => {
    const c = candidateEndpoints({ env: { BUILDKIT_HOST: 'unix:///bk.sock', DOCKER_HOST: 'unix:///d.sock' } });
    expect(c.map((e) => e.addr)).toEqual(['unix:///bk.sock', 'docker unix:///d.sock']);
  });

  it('falls back to the default Docker socket', () => {
    const c = candidateEndpoints({ env: {} });
    expect(c[c.length - 1]).toEqual({ kind: 'docker', addr: 'docker unix:///var/run/docker.sock', dial: { kind: 'unix', socketPath: '/var/run/docker.sock' } });
  });

  it('docker:// uses DOCKER_HOST, or the host written after it', () => {
    expect(parseAddr('docker://', { DOCKER_HOST: 'unix:///d.sock' }).dial).toEqual({ kind: 'unix', socketPath: '/d.sock' });
    expect(parseAddr('docker://tcp://10.0.0.1:2375', {}).dial).toEqual({ kind: 'tcp', host: '10.0.0.1', port: 2375, tls: undefined });
    expect(parseAddr('docker:///run/d.sock', {}).dial).toEqual({ kind: 'unix', socketPath: '/run/d.sock' });
  });

  it('DOCKER_TLS_VERIFY + DOCKER_CERT_PATH give TLS files for a tcp Docker', () => {
    const e = parseAddr('docker://tcp://h:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' });
    expect(e.dial).toMatchObject({ kind: 'tcp', tls: { caCert: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' } });
  });

  it('rejects unknown schemes, relative unix paths, missing TLS files and half a key pair', () => {
    expect(() => parseAddr('ssh://host', {})).toThrow(UsageError);
    expect(() => parseAddr('unix://rel.sock', {})).toThrow(/absolute/);
    expect(() => parseAddr('tcp://h:1', { BUILDKIT_TLS_CACERT: '/nonexistent/ca.pem' })).toThrow(/TLS file not found/);
    expect(() => parseAddr('tcp://h:1', {}, { cert: __filename })).toThrow(/both --tlscert and --tlskey/);
  });
});
