/**
 * Base image config through the gateway API on the real daemon (dockerd's /grpc serves the same Control and
 * gateway forwarder as buildkitd): it equals what Docker's image store says, and a build on a connection
 * that has no image store to ask (as with a standalone buildkitd) still merges the base's ENV/CMD.
 */
import * as fs from 'fs';
import { describeWithDaemon } from '../../testing';
import { buildProject } from '../build/build';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import { baseConfigOf, dockerFor, inspectImage } from '../connection/docker-api';
import { resolveImageConfigViaGateway } from './gateway-image-config';
import { readImageArchive, readTar } from '../export/oci-tar';
import { copyFixture, progressSink } from '../../testing/build-support';

jest.setTimeout(300_000);

describeWithDaemon('base image config through the gateway API', (denv) => {
  const env = { ...process.env, ...denv };
  const base = env.COGPACK_IMAGE_MAP.split(',')[0].split('=')[1]; // the local python base
  let conn: BuildkitConnection;
  beforeAll(async () => {
    conn = await connectBuildkit({ env });
  });
  afterAll(() => conn?.close());

  it('ResolveImageConfig over the Control connection gives the config Docker inspect gives, and the layer count', async () => {
    const viaGateway = await resolveImageConfigViaGateway(conn, base, { platform: { os: 'linux', arch: 'amd64' } });
    const info = (await inspectImage(dockerFor(conn)!, base))!;
    expect(viaGateway.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(viaGateway.config?.config?.Env).toEqual(baseConfigOf(info).config?.Env);
    expect(viaGateway.config?.config?.Cmd).toEqual(baseConfigOf(info).config?.Cmd);
    expect(viaGateway.layerCount).toBe(info.RootFS?.Layers?.length);
    // the Control connection still works after the gateway build ended
    expect((await resolveImageConfigViaGateway(conn, base)).digest).toBe(viaGateway.digest);
  });

  it('a build with no image store to ask (kind buildkitd) still merges the base ENV into the image config', async () => {
    const dir = copyFixture('cpu-minimal');
    const tar = `${dir}.oci.tar`;
    const standalone: BuildkitConnection = { ...conn, kind: 'buildkitd', close: () => undefined };
    expect(dockerFor(standalone)).toBeNull();
    await buildProject(dir, {
      cogSdk: 'none',
      env,
      connection: standalone,
      progress: 'quiet',
      progressOut: progressSink().out,
      outputs: [`type=oci,dest=${tar}`],
    });
    const archive = readImageArchive(tar);
    const entries = new Map(readTar(fs.readFileSync(tar)).map((e) => [e.name.replace(/^\.\//, ''), e.data]));
    const config = JSON.parse(entries.get(`blobs/${archive.configDigest.replace(':', '/')}`)!.toString()) as { config: { Env: string[] } };
    expect(config.config.Env).toContain('LANG=C.UTF-8'); // only the base image sets LANG
  });
});
