/**
 * `--build-arg HTTP_PROXY=…` on the real daemon: a build.run command sees the proxy (both spellings), the image
 * config and every layer do not hold it, and a build with another proxy value is fully cached (proxy_env is
 * not part of BuildKit's cache key).
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeWithDaemon } from '../../testing';
import { buildProject, type BuildOptions } from './build';
import { readImageArchive } from '../export/oci-tar';
import { copyFixture, dockerFromEnv, progressSink } from '../../testing/build-support';

jest.setTimeout(900_000);

describeWithDaemon('--build-arg proxies on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const build = (dir: string, opts: BuildOptions) => {
    const sink = progressSink();
    return buildProject(dir, { cogSdk: 'none', env, progress: 'plain', progressOut: sink.out, ...opts }).then((s) => ({ s, log: sink.text() }));
  };

  it('HTTP_PROXY reaches build.run as HTTP_PROXY and http_proxy, stays out of config and layers, and a new value rebuilds nothing', async () => {
    const dir = copyFixture('cpu-minimal');
    const nonce = `proxy-it-${process.pid}-${Date.now()}`; // a new build.run step: no earlier run's cache answers it
    fs.writeFileSync(
      path.join(dir, 'cog.yaml'),
      [
        'build:',
        '  python_version: "3.11"',
        '  run:',
        `    - echo "${nonce} saw [$HTTP_PROXY] [$http_proxy] [$NO_PROXY]" && touch /opt/${nonce}`,
        'run: "predict.py:Predictor"',
        '',
      ].join('\n'),
    );
    const tar = `${dir}.oci.tar`;
    const secretish = `user-${nonce}`; // a proxy URL may carry credentials: this must reach no layer
    const proxy = `http://${secretish}@127.0.0.1:9`;
    const first = await build(dir, {
      tags: ['cogpack-it/proxy:1'],
      outputs: ['type=docker', `type=oci,dest=${tar}`],
      buildArgs: { HTTP_PROXY: proxy, no_proxy: 'localhost' },
    });
    expect(first.log).toContain(`${nonce} saw [${proxy}] [${proxy}] [localhost]`);
    expect(first.s.stages.find((x) => x.id.startsWith('build-run'))?.cached).toBe(false);

    const inspect = await dockerFromEnv(env).getImage('cogpack-it/proxy:1').inspect();
    expect(JSON.stringify(inspect.Config)).not.toContain(secretish);
    const archive = readImageArchive(tar);
    expect(archive.layers.length).toBe(first.s.layers.length);
    const runLayer = first.s.layers.find((l) => l.stage?.startsWith('build-run'))!;
    expect(archive.layerTar(runLayer.index).includes(`opt/${nonce}`)).toBe(true); // the step ran into its layer
    for (let i = 0; i < archive.layers.length; i++) expect(archive.layerTar(i).includes(secretish)).toBe(false);
    expect(fs.readFileSync(tar).includes(secretish)).toBe(false); // config, manifests, index

    const second = await build(dir, { tags: ['cogpack-it/proxy:2'], buildArgs: { HTTP_PROXY: 'http://other@127.0.0.1:10' } });
    expect(second.s.stages.filter((x) => !x.cached).map((x) => x.id)).toEqual([]);
    expect(second.log).not.toContain(`${nonce} saw [http`); // the step did not run (its name, with $HTTP_PROXY unexpanded, is shown)
    expect(second.s.layers.map((l) => l.diffId)).toEqual(first.s.layers.map((l) => l.diffId));
  });
});
