/**
 * A build into the daemon's image store returns when BuildKit reports the image exported, not when Control.Solve
 * answers after writing its build-history record. On the real daemon: the digest returned is the image Docker
 * runs, the history record still completes without error, a rebuild is all cached, and a build with a file
 * output still waits for the answer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeWithDaemon, registryManifest, testRegistry } from '../../testing';
import { buildProject, type BuildOptions } from '../build/build';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import { copyFixture, dockerFromEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(300_000);

interface HistoryRecord {
  Ref?: string;
  error?: { code?: number; message?: string };
  CompletedAt?: unknown;
  numTotalSteps?: number;
  numCompletedSteps?: number;
}

const COMPLETE = 1; // BuildHistoryEventType

/** The build's history record once the daemon has completed it (it may still be writing when we ask). */
function completedRecord(conn: BuildkitConnection, ref: string, ms: number): Promise<HistoryRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      call.cancel();
      reject(new Error(`no completed history record for ${ref} within ${ms} ms`));
    }, ms);
    const call = conn.control.stream<{ type?: number; record?: HistoryRecord }>('ListenBuildHistory', { Ref: ref }, (ev) => {
      if (ev.type !== COMPLETE || ev.record?.Ref !== ref) return;
      clearTimeout(timer);
      call.cancel();
      resolve(ev.record);
    });
    call.done.catch(() => undefined);
  });
}

describeWithDaemon('returning at the export, on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const docker = dockerFromEnv(env);
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(() => Promise.all(cleanup.map((f) => f())));
  const build = (dir: string, opts: BuildOptions) => buildProject(dir, { cogSdk: 'none', env, progress: 'quiet', progressOut: progressSink().out, ...opts });

  it('the returned digest is the stored image, which runs; the daemon still completes its record; a rebuild is cached', async () => {
    const dir = copyFixture('pyproject-app');
    const tag = `cogpack-it/export-return:${process.pid}`;
    cleanup.push(() =>
      docker
        .getImage(tag)
        .remove()
        .catch(() => undefined),
    );
    const first = await build(dir, { tags: [tag] });
    expect(first.timings.returnedAtExport).toBe(true);
    const stored = await docker.getImage(tag).inspect();
    expect(first.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.Id).toBe(first.image.digest);
    expect(first.image.configDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.layers.length).toBeGreaterThan(1);

    const conn = await connectBuildkit({ env });
    try {
      const record = await completedRecord(conn, first.ref, 60_000);
      expect(record.error?.message ?? '').toBe('');
      expect(record.CompletedAt).toBeDefined();
      expect(record.numTotalSteps).toBeGreaterThan(0);
      expect(record.numCompletedSteps).toBe(record.numTotalSteps);
    } finally {
      conn.close();
    }

    const run = await runImage(docker, tag, ['python', '-c', 'import sys; print("ran", sys.version_info[0])']);
    expect(run.code).toBe(0);
    expect(run.output).toContain('ran 3');

    const again = await build(dir, { tags: [tag] });
    expect(again.timings.returnedAtExport).toBe(true);
    expect(again.image.digest).toBe(first.image.digest);
    expect(again.stages.filter((s) => !s.cached).map((s) => s.id)).toEqual([]);
    // builds straight after one another: each starts while the daemon still records the one before, which holds
    // the shared steps (no status comes for them); they are still reported reused, and the image is the same
    for (let k = 0; k < 4; k++) {
      const next = await build(dir, { tags: [tag] });
      expect(next.image.digest).toBe(first.image.digest);
      expect(next.stages.filter((s) => !s.cached).map((s) => s.id)).toEqual([]);
    }
  });

  it('a push returns once the registry has the image: its manifest is there, at the digest returned', async () => {
    const registry = testRegistry(env);
    if (!registry) return console.warn('push not tested: no registry on 127.0.0.1:5000 (npm run registry:up)');
    const dir = copyFixture('pyproject-app');
    fs.appendFileSync(path.join(dir, 'README.md'), `\n${process.pid} ${Date.now()}\n`); // a new image, not one already pushed
    const tag = String(process.pid);
    const s = await build(dir, { outputs: [`type=image,name=${registry}/cogpack-it/export-return:${tag},push=true,registry.insecure=true`] });
    expect(s.timings.returnedAtExport).toBe(true);
    const pushed = await registryManifest(registry, 'cogpack-it/export-return', tag);
    expect(pushed).not.toBeNull();
    expect(pushed?.digest).toBe(s.image.digest);
  });

  it("a build that writes a file on the client waits for the daemon's answer", async () => {
    const dir = copyFixture('pyproject-app');
    const dest = path.join(dir, 'image.tar');
    const s = await build(dir, { outputs: [`type=oci,dest=${dest}`] });
    expect(s.timings.returnedAtExport).toBe(false);
    expect(s.layers.length).toBeGreaterThan(1);
  });
});
