/** Finds the local push-test registry (`npm run registry:up`), so push tests can skip cleanly without one. */
import { spawnSync } from 'node:child_process';

export const NO_REGISTRY_MESSAGE = 'no test registry answers: run `eval "$(npm run -s registry:up)"` first (CI does this)';

/** `host:port` of the registry from COGPACK_TEST_REGISTRY (default 127.0.0.1:5000) when GET /v2/ answers 200. */
export function testRegistry(env: NodeJS.ProcessEnv = process.env): string | null {
  const addr = env.COGPACK_TEST_REGISTRY || '127.0.0.1:5000';
  const probe = `require('node:http').get('http://${addr}/v2/', { timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 4000 }).status === 0 ? addr : null;
}

/** The manifest of `repo:tag` in the registry (any media type) with the digest the registry gives it, or null when absent. */
export async function registryManifest(addr: string, repo: string, tag: string): Promise<{ mediaType: string; digest: string | null; body: unknown } | null> {
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', ');
  const res = await fetch(`http://${addr}/v2/${repo}/manifests/${tag}`, { headers: { accept } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET manifest ${repo}:${tag} on ${addr}: HTTP ${res.status}`);
  return { mediaType: res.headers.get('content-type') ?? '', digest: res.headers.get('docker-content-digest'), body: await res.json() };
}

/**
 * The linux/amd64 image manifest of `repo:tag`: the manifest itself, or the one an image index points to (a push
 * with attestations, e.g. the default provenance, is an index holding the image and its attestation manifest).
 */
export async function registryImageManifest(
  addr: string,
  repo: string,
  tag: string,
): Promise<{ layers: { mediaType: string; digest: string }[]; fromIndex: boolean } | null> {
  const top = await registryManifest(addr, repo, tag);
  if (!top) return null;
  const body = top.body as {
    layers?: { mediaType: string; digest: string }[];
    manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
  };
  if (body.layers) return { layers: body.layers, fromIndex: false };
  const image = (body.manifests ?? []).find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64');
  if (!image) throw new Error(`${repo}:${tag} on ${addr}: an index without a linux/amd64 manifest`);
  const inner = await registryManifest(addr, repo, image.digest);
  return inner ? { layers: (inner.body as { layers: { mediaType: string; digest: string }[] }).layers, fromIndex: true } : null;
}
