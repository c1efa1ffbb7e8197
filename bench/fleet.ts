/**
 * `npm run bench:fleet`: a fleet of model projects drawn from four python/torch/CUDA combinations, each with its
 * own apt packages, requirements and code, built by cogpack and by a cog-style Dockerfile (bench/build-runners.ts)
 * and pushed with `docker push` to the local test registry (`npm run registry:up`), one repository per project
 * and builder. Prints, per builder, the bytes the registry stores (unique blobs over every pushed manifest: what
 * a registry keeps, since it stores a blob once however many manifests name it) and the total push time.
 * cogpack's framework layer depends only on python and torch, so projects of one combination share it; the
 * Dockerfile's pip layer holds torch together with each project's own requirements, so every project pushes its own.
 * Options: --projects N (default 20), --torch-mb N (size of each torch stand-in, default 200).
 * Only Debian's python 3.11 exists offline, so the combinations vary torch, CPU/GPU and CUDA, not python.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { perRunBaseEnv } from '../src/testing/build-support';
import { daemonEnv, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from '../src/testing/daemon';
import { docker } from '../src/testing/docker-cli';
import { NO_REGISTRY_MESSAGE, registryManifest, testRegistry } from '../src/testing/registry';
import { buildWheel } from '../src/testing/wheel';
import { cogpackRunner, dockerfileRunner } from './build-runners';
import { numberArg, timed } from './measure';

interface Combo {
  name: string;
  torch: string;
  gpu: boolean;
  /** cog.yaml `cuda`, when the combination pins it rather than taking the one cog picks for its torch */
  cuda?: string;
  /** the base image the cog-style Dockerfile starts from (cog's own choice for this combination) */
  base: string;
}

const COMBOS: readonly Combo[] = [
  { name: 'cpu torch 2.0.1', torch: '2.0.1', gpu: false, base: 'docker.io/library/python:3.11-slim' },
  { name: 'cpu torch 2.1.0', torch: '2.1.0', gpu: false, base: 'docker.io/library/python:3.11-slim' },
  { name: 'gpu torch 2.1.2 CUDA 11.8', torch: '2.1.2', gpu: true, cuda: '11.8', base: 'docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04' },
  { name: 'gpu torch 2.3.1 CUDA 12.1', torch: '2.3.1', gpu: true, base: 'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04' },
];

/** Small Debian packages; each project installs its own pair. */
const APT = ['jq', 'bc', 'tree', 'file', 'less', 'zip', 'unzip', 'patch', 'rsync', 'sqlite3', 'make', 'nano', 'pv', 'lsof', 'strace', 'time'];
const TARGET_BYTES = 0.3;

interface Project {
  index: number;
  combo: Combo;
  dir: string;
}

function projectName(i: number): string {
  return `p${String(i + 1).padStart(2, '0')}`;
}

/** A project of combination `i % 4`: its own apt pair, its own small requirement and its own predict.py. */
function writeProject(root: string, wheels: string, i: number): Project {
  const combo = COMBOS[i % COMBOS.length];
  const name = projectName(i);
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'wheels'), { recursive: true });
  const dep = `fleet-${name}`;
  // only the wheels this project asks for, hard-linked (no copy of the torch stand-in)
  for (const f of [`torch-${combo.torch}-py3-none-any.whl`, `fleet_shared-1.0-py3-none-any.whl`, `fleet_${name}-1.0-py3-none-any.whl`]) {
    fs.linkSync(path.join(wheels, f), path.join(dir, 'wheels', f));
  }
  const apt = [APT[i % APT.length], APT[(i + 1 + Math.floor(i / APT.length)) % APT.length]];
  fs.writeFileSync(
    path.join(dir, 'cog.yaml'),
    [
      'build:',
      `  gpu: ${combo.gpu}`,
      ...(combo.cuda ? [`  cuda: "${combo.cuda}"`] : []),
      '  python_version: "3.11"',
      '  system_packages:',
      ...apt.map((p) => `    - ${p}`),
      '  python_requirements: requirements.txt',
      'run: "predict.py:Predictor"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'requirements.txt'),
    ['--no-index', '--find-links ./wheels', `torch==${combo.torch}`, 'fleet-shared==1.0', `${dep}==1.0`, ''].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'predict.py'),
    [
      'class Predictor:',
      '    def setup(self) -> None:',
      `        import torch, fleet_shared, fleet_${name}`,
      '        self.version = torch.__version__',
      '',
      `    def predict(self, text: str = "${name}") -> str:`,
      `        return f"{text} from project ${name} on torch {self.version}"`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'wheels\n'); // as bench:build: wheels come in by mount in both
  fs.writeFileSync(path.join(dir, '.cogignore'), '!wheels\n');
  return { index: i, combo, dir };
}

function writeWheels(wheels: string, torchBytes: number, projects: number): void {
  for (const c of COMBOS) {
    const file = path.join(wheels, `torch-${c.torch}-py3-none-any.whl`);
    if (fs.existsSync(file) && fs.statSync(file).size >= torchBytes) continue;
    buildWheel(wheels, { name: 'torch', version: c.torch, files: { 'torch/__init__.py': `__version__ = "${c.torch}"\n` }, sizeBytes: torchBytes });
  }
  buildWheel(wheels, { name: 'fleet-shared', version: '1.0', sizeBytes: 256 << 10 });
  for (let i = 0; i < projects; i++) buildWheel(wheels, { name: `fleet-${projectName(i)}`, version: '1.0', sizeBytes: 128 << 10 });
}

interface Lane {
  name: string;
  pushMs: number;
  buildMs: number;
  refs: { repo: string; tag: string }[];
}

interface Stored {
  /** bytes of the distinct blobs (manifests, configs, layers) over every pushed image */
  unique: number;
  /** bytes if each project's image were stored on its own */
  perImage: number;
  blobs: number;
}

interface Descriptor {
  digest: string;
  size: number;
}

/**
 * Every blob the registry holds for these images, followed from each tag: an index (buildx pushes one with its
 * attestation manifest), the manifests it names, and their configs and layers, each counted at its stored size.
 */
async function stored(registry: string, refs: { repo: string; tag: string }[]): Promise<Stored> {
  const blobs = new Map<string, number>();
  let perImage = 0;
  const visit = async (repo: string, ref: string, self?: Descriptor): Promise<void> => {
    const m = await registryManifest(registry, repo, ref);
    if (!m) throw new Error(`${registry}/${repo}:${ref} is not in the registry after its push`);
    const body = m.body as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
    const own = self ?? { digest: m.digest ?? `${repo}:${ref}`, size: Buffer.byteLength(JSON.stringify(m.body)) };
    for (const b of [own, ...(body.config ? [body.config] : []), ...(body.layers ?? [])]) {
      blobs.set(b.digest, b.size);
      perImage += b.size;
    }
    for (const child of body.manifests ?? []) await visit(repo, child.digest, child);
  };
  for (const r of refs) await visit(r.repo, r.tag);
  return { unique: [...blobs.values()].reduce((a, b) => a + b, 0), perImage, blobs: blobs.size };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

async function main(): Promise<void> {
  const env = daemonEnv();
  if (!env) {
    process.stderr.write(`bench:fleet: ${NO_DAEMON_MESSAGE}\n`);
    process.exit(3);
  }
  const registry = testRegistry(env);
  if (!registry) {
    process.stderr.write(`bench:fleet: ${NO_REGISTRY_MESSAGE}\n`);
    process.exit(3);
  }
  const count = Math.max(1, numberArg('projects', 20));
  const torchMb = numberArg('torch-mb', 200);
  const work = path.join(REPO_ROOT, 'bench', 'out', 'fleet');
  const wheels = path.join(work, 'wheels');
  fs.mkdirSync(work, { recursive: true });
  writeWheels(wheels, torchMb << 20, count);
  const projects = Array.from({ length: count }, (_, i) => writeProject(work, wheels, i));

  // per-run bases with a layer of their own (as bench:build): no step of this run is answered by an earlier run's cache
  const fresh = perRunBaseEnv(env);
  const benchEnv: DaemonEnv = { ...env, COGPACK_IMAGE_MAP: fresh.COGPACK_IMAGE_MAP! };
  const bases = new Map(benchEnv.COGPACK_IMAGE_MAP.split(',').map((kv) => kv.split('=') as [string, string]));
  const run = `${process.pid}-${Date.now()}`;
  const lanes: Lane[] = [
    { name: 'cogpack', pushMs: 0, buildMs: 0, refs: [] },
    { name: 'Dockerfile', pushMs: 0, buildMs: 0, refs: [] },
  ];
  const made: string[] = [];
  const load0 = os.loadavg()[0];
  try {
    for (const p of projects) {
      const order = p.index % 2 === 0 ? lanes : lanes.slice().reverse(); // which builder goes first alternates
      const tags = new Map<Lane, string>();
      for (const lane of order) {
        const repo = `cogpack-fleet-${run}/${lane.name.toLowerCase()}-${projectName(p.index)}`;
        const tag = `${registry}/${repo}:1`;
        made.push(tag);
        tags.set(lane, tag);
        const runner = lane.name === 'cogpack' ? cogpackRunner(benchEnv, tag) : dockerfileRunner(env, tag, work, bases.get(p.combo.base)!);
        const buildMs = timed(() => runner.build(p.dir));
        const pushMs = timed(() => docker(env, ['push', '--quiet', tag]));
        lane.buildMs += buildMs;
        lane.pushMs += pushMs;
        lane.refs.push({ repo, tag: '1' });
        process.stderr.write(
          `bench:fleet: ${projectName(p.index)} (${p.combo.name}) ${lane.name}: build ${(buildMs / 1000).toFixed(1)} s, push ${(pushMs / 1000).toFixed(1)} s\n`,
        );
      }
      if (p.index < COMBOS.length) {
        // the first project of each combination: both images run and import their torch and their own requirement
        for (const tag of tags.values()) {
          const out = docker(env, [
            'run',
            '--rm',
            '--network',
            'none',
            tag,
            'python',
            '-c',
            `import torch, fleet_${projectName(p.index)}; print(torch.__version__)`,
          ]);
          if (out.trim() !== p.combo.torch) throw new Error(`${tag}: unexpected output ${out}`);
        }
      }
    }
  } finally {
    for (const t of made) docker(env, ['image', 'rm', '-f', t]);
    for (const b of new Set(bases.values())) docker(env, ['image', 'rm', '-f', b]);
  }
  const [c, d] = await Promise.all(lanes.map((l) => stored(registry, l.refs)));
  const ratio = c.unique / d.unique;
  const push = lanes[0].pushMs / lanes[1].pushMs;
  process.stdout.write(
    `bench:fleet — ${count} projects over ${COMBOS.length} combinations (${COMBOS.map((x) => x.name).join('; ')}; python 3.11), torch stand-ins ${torchMb} MiB (incompressible), own apt pair, requirement and predict.py each; pushed to ${registry}; ratio = cogpack / Dockerfile\n`,
  );
  process.stdout.write(`load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs\n\n`);
  process.stdout.write('| | cogpack | Dockerfile | ratio | target |\n|---|---:|---:|---:|---|\n');
  process.stdout.write(
    `| registry bytes stored (unique blobs) | ${mb(c.unique)} | ${mb(d.unique)} | ${ratio.toFixed(2)}× | ${ratio <= TARGET_BYTES ? 'ok' : 'MISSED'} (≤ ${TARGET_BYTES}×) |\n`,
  );
  process.stdout.write(`| distinct blobs | ${c.blobs} | ${d.blobs} | | |\n`);
  process.stdout.write(`| bytes if each image were stored alone | ${mb(c.perImage)} | ${mb(d.perImage)} | ${(c.perImage / d.perImage).toFixed(2)}× | |\n`);
  process.stdout.write(`| total push time | ${(lanes[0].pushMs / 1000).toFixed(1)} s | ${(lanes[1].pushMs / 1000).toFixed(1)} s | ${push.toFixed(2)}× | |\n`);
  process.stdout.write(
    `| total build time | ${(lanes[0].buildMs / 1000).toFixed(1)} s | ${(lanes[1].buildMs / 1000).toFixed(1)} s | ${(lanes[0].buildMs / lanes[1].buildMs).toFixed(2)}× | |\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:fleet: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
