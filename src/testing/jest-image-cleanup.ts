/**
 * Jest setup for real-daemon tests: image names a *.int.test.ts file made are removed after it. Before the
 * file runs, the daemon's image references are listed; afterwards every new reference whose repository the
 * test file names in its own source (`cogpack-it/fe-secret`, a tag prefix…) is removed with `docker rmi`.
 * Matching on the file's own text keeps this from touching images that something else on a shared daemon
 * made meanwhile, and never touches the local base images (cogpack.local/*) of buildkit-up. Per-run base images
 * (`cogpack.local/it-*`, made by perRunBaseEnv and named in no test's source) are removed when new since the file began.
 */
import * as fs from 'node:fs';
import { daemonEnv } from './daemon';
import { dockerTry } from './docker-cli';

const testPath = expect.getState().testPath ?? '';

function imageRefs(env: NonNullable<ReturnType<typeof daemonEnv>>): Set<string> {
  const r = dockerTry(env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { timeout: 60_000 });
  return new Set(r.status === 0 ? r.stdout.split('\n').filter((l) => l && !l.includes('<none>')) : []);
}

/** Test images under the local prefix: per-run copies of the base images (src/testing/build-support.ts). */
const PER_RUN = 'cogpack.local/it-';

/** New references that this test file's source names by repository (the part before the last ':'), and new per-run bases. */
export function refsMadeBy(source: string, before: Set<string>, after: Set<string>): string[] {
  return [...after]
    .filter((ref) => !before.has(ref) && (ref.startsWith(PER_RUN) || !ref.startsWith('cogpack.local/')))
    .filter((ref) => {
      if (ref.startsWith(PER_RUN)) return true;
      const repo = ref.slice(0, ref.lastIndexOf(':'));
      // `127.0.0.1:5000/cogpack-it/x` is written `${registry}/cogpack-it/x` in a test
      const path = repo.replace(/^[^/]*[.:][^/]*\//, '');
      return source.includes(repo) || (path.includes('/') && source.includes(path));
    })
    .sort();
}

if (testPath.endsWith('.int.test.ts')) {
  const env = daemonEnv();
  if (env) {
    // listed now, before the test file is collected: a describe body may make images (perRunBaseEnv)
    const before = imageRefs(env);
    afterAll(() => {
      const made = refsMadeBy(fs.readFileSync(testPath, 'utf8'), before, imageRefs(env));
      if (made.length) dockerTry(env, ['rmi', ...made], { timeout: 120_000 });
    });
  }
}
