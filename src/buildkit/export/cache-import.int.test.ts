/**
 * --cache-to / --cache-from on the real daemon, shown to be used. A project with a build.run step (a `diff`
 * layer, so its records descend from the base) is built on a per-run base with its cache exported; then the
 * daemon forgets every cache record built on that base (nothing else), and the rebuild is cached only through
 * the imported cache. Forgetting again and rebuilding without --cache-from runs the step: the control that
 * shows the forgetting works. (Squash stages stay cached either way: their copies are keyed by content and
 * shared with every project that made the same content; see cache-records.ts.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithDaemon, testRegistry } from '../../testing';
import { buildProject, type BuildOptions, type BuildSummary } from '../build/build';
import { forgetCacheBelow } from '../../testing/cache-records';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import { copyFixture, perRunBaseEnv, progressSink } from '../../testing/build-support';

jest.setTimeout(900_000);

const uncached = (s: BuildSummary) => s.stages.filter((x) => !x.cached).map((x) => x.id);

describeWithDaemon('build cache export and import on the real daemon', (denv) => {
  const fresh = { ...process.env, ...perRunBaseEnv(denv) };
  // perRunBaseEnv's base images carry one layer made by `echo RUN > /etc/cogpack-test-run`: the marker record
  const run = /:([^,:]+)(,|$)/.exec(fresh.COGPACK_IMAGE_MAP ?? '')![1];
  const marker = `echo ${run} > /etc/cogpack-test-run`;
  let conn: BuildkitConnection;
  beforeAll(async () => {
    conn = await connectBuildkit({ env: fresh });
  });
  afterAll(() => conn?.close());
  const forget = () => forgetCacheBelow(conn.control, marker);

  /** A build.run project; exported to a file, not loaded (an image in Docker's store pins its cache records). */
  let projects = 0;
  function project(): { dir: string; build(o: BuildOptions): Promise<BuildSummary> } {
    const dir = copyFixture('cpu-minimal');
    const step = `echo ${run}-${++projects} > /opt/cache-import`; // each test its own step: no other test's cache answers it
    fs.writeFileSync(path.join(dir, 'cog.yaml'), `build:\n  python_version: "3.11"\n  run:\n    - ${step}\nrun: "predict.py:Predictor"\n`);
    const out = `type=oci,dest=${dir}.oci.tar`;
    return { dir, build: (o) => buildProject(dir, { cogSdk: 'none', env: fresh, progress: 'quiet', progressOut: progressSink().out, outputs: [out], ...o }) };
  }

  /** cache-to, forget, rebuild with cache-from (cached), forget, rebuild without (the step runs again) */
  async function exportForgetImport(cacheTo: string, cacheFrom: string): Promise<void> {
    const { build } = project();
    const first = await build({ cacheTo: [cacheTo] });
    expect(uncached(first)).toContain('build-run:build-run');

    expect(await forget()).toBeGreaterThan(0);
    const imported = await build({ cacheFrom: [cacheFrom] });
    expect(uncached(imported)).toEqual([]);
    expect(imported.layers.map((l) => l.diffId)).toEqual(first.layers.map((l) => l.diffId));

    expect(await forget()).toBeGreaterThan(0);
    const control = await build({});
    expect(uncached(control)).toContain('build-run:build-run');
  }

  it('type=local: the cache goes into an OCI layout on the client, and comes back from it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-cache-local-'));
    await exportForgetImport(`type=local,dest=${dir},mode=max`, `type=local,src=${dir}`);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(['latest']);
    expect(fs.existsSync(path.join(dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)))).toBe(true);
  });

  it('type=registry: after the daemon forgets the project, --cache-from brings the build.run stage back as cached', async () => {
    const registry = testRegistry(fresh);
    if (!registry) return console.warn('registry cache not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const ref = `${registry}/cogpack-it/cache-import:${run}`;
    await exportForgetImport(`type=registry,ref=${ref},mode=max,registry.insecure=true`, `type=registry,ref=${ref},registry.insecure=true`);
  });
});
