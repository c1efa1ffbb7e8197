import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { daemonEnv } from './daemon';
import { docker } from './docker-cli';
import localImages from './local-images.json';
import { NO_REGISTRY_MESSAGE, registryManifest, testRegistry } from './registry';

const env = daemonEnv();
const registry = testRegistry();
const suite = env && registry ? describe : describe.skip;

suite(`the local test registry${env && registry ? '' : ` (skipped: ${env ? NO_REGISTRY_MESSAGE : 'no daemon'})`}`, () => {
  it('receives an image and its registry cache pushed by the daemon BuildKit', async () => {
    if (!env || !registry) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-push-'));
    const repo = `cogpack-test/push-${process.pid}`;
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${localImages.images.python.ref}\nRUN echo ${process.pid} > /pid.txt\n`);
      docker(env, [
        'buildx',
        'build',
        '--quiet',
        '--push',
        '-t',
        `${registry}/${repo}:1`,
        '--cache-to',
        `type=registry,ref=${registry}/${repo}:cache,mode=max`,
        dir,
      ]);
      expect((await registryManifest(registry, repo, '1'))?.mediaType).toMatch(/manifest|index/);
      expect(await registryManifest(registry, repo, 'cache')).not.toBeNull();
      expect(await registryManifest(registry, repo, 'absent')).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
