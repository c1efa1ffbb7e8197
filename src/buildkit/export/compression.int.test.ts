/**
 * Layer compression on the real daemon and registry (issue 13.2): the default (zstd) and --compression gzip
 * push layers of that type, and each image, removed locally, pulls back from the registry and runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeWithDaemon, testRegistry, registryImageManifest } from '../../testing';
import { docker } from '../../testing/docker-cli';
import { buildProject } from '../build/build';
import { copyFixture, progressSink } from '../../testing/build-support';

jest.setTimeout(900_000);

describeWithDaemon('layer compression on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const pulled: string[] = [];
  afterAll(() => {
    for (const ref of pulled) docker(denv, ['image', 'rm', '-f', ref]);
  });

  it.each([
    [undefined, 'zstd'],
    ['gzip', 'gzip'],
  ])('--compression %s: pushed layers are %s; the image pulls back and runs', async (flag, kind) => {
    const registry = testRegistry(env);
    if (!registry) return console.warn('compression push not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const ref = `${registry}/cogpack-it/compression:${kind}-${process.pid}`;
    const dir = copyFixture('cpu-minimal');
    // new code-layer content: a blob the daemon already has (in any compression) would be reused as it is by default
    fs.appendFileSync(path.join(dir, 'predict.py'), `\n# ${kind} ${process.pid} ${Date.now()}\n`);
    await buildProject(dir, {
      cogSdk: 'none',
      env,
      progress: 'quiet',
      progressOut: progressSink().out,
      compression: flag,
      outputs: [`type=image,name=${ref},push=true,registry.insecure=true`],
    });
    // a push carries the default provenance attestation (as buildx), so the tag names an index
    const manifest = (await registryImageManifest(registry, 'cogpack-it/compression', `${kind}-${process.pid}`))!;
    expect(manifest.fromIndex).toBe(true);
    // the base image's layers keep the compression they have; a new layer takes the flag's. The new one is code:source
    // (second from the top): code:cog-schema above it has the same bytes every run, so it keeps whichever compression
    // the daemon stored first
    expect(manifest.layers.at(-2)!.mediaType).toMatch(kind === 'zstd' ? /tar[.+]zstd$/ : /tar[.+]gzip$/);
    docker(denv, ['image', 'rm', ref]);
    pulled.push(ref);
    docker(denv, ['pull', '-q', ref]);
    expect(docker(denv, ['run', '--rm', '--network', 'none', ref, 'sh', '-c', 'ls /src && python --version'])).toMatch(/predict\.py[\s\S]*Python 3\./);
  });
});
