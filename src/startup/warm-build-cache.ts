/**
 * Build step (run by scripts/build-build-bundle.ts in a plain `node`, never at run time): runs whole
 * `cogpack build`s through the bundle against an in-process fake Docker daemon (fake-daemon.ts: its
 * solve answers at once, image inspects are 404), so connecting, the session, LLB, solve, progress and
 * the summary all run once; then writes the V8 code cache (warm-cache.ts).
 */
import type * as grpc from '@grpc/grpc-js';
import { startFakeDocker } from '../buildkit/connection/fake-daemon';
import { runAndWriteCache } from './warm-cache';

const controlImpl = {
  Solve: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { ExporterResponse: { 'containerimage.digest': 'sha256:0' } }),
  Status: (call: grpc.ServerWritableStream<unknown, unknown>) => {
    call.write({ vertexes: [{ digest: 'sha256:1', name: '[code:source] COPY / /src', cached: true, started: { seconds: '1' }, completed: { seconds: '2' } }] });
    call.end();
  },
};

export async function warmBuildCache(bundle: string, cacheFile: string, projectDirs: string[]): Promise<number> {
  const fake = await startFakeDocker(controlImpl, { echoSessions: false });
  try {
    process.env.DOCKER_HOST = `unix://${fake.socketPath}`;
    delete process.env.BUILDKIT_HOST;
    const argvs = projectDirs.flatMap((dir) =>
      ['plain', 'tty'].map((progress) => ['node', 'cogpack', 'build', dir, '-t', 'warm', '--cog-sdk', 'none', '--progress', progress, '--json']),
    );
    return await runAndWriteCache(bundle, cacheFile, argvs);
  } finally {
    await fake.close();
  }
}

/** `node warm-build-cache.js BUNDLE CACHE PROJECT_DIR...` */
if (require.main === module) {
  const [bundle, cacheFile, ...dirs] = process.argv.slice(2);
  warmBuildCache(bundle, cacheFile, dirs).then(
    () => process.exit(0), // grpc-js keeps timers (keepalive, idle) that would hold a finished warm-up
    (e: unknown) => {
      process.stderr.write(`warm-build-cache: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
