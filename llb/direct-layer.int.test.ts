/**
 * Direct layers on the real daemon (llb/convert/direct-layer.ts): each scratch stage of the weights and
 * pyproject-app fixtures is solved alone and exported; its layer's tar entries all carry the squash mtime and
 * root ownership, modes are the sources' (made dirs 0755 or the mkdir's), two --no-cache builds a second apart
 * give the same diffID, and that diffID is the one of the Copy(Diff) squash the stage used to take. A control
 * shows why the last restamp action is there: without it, BuildKit leaves a made parent dir at the build time.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planProject } from '../stacks/plan-project';
import type { PlanData, Stage } from '../planner/plan-schema';
import { connectBuildkit, type BuildkitConnection } from '../src/buildkit/connection/connection';
import { readImageArchive } from '../src/buildkit/export/oci-tar';
import { sessionContexts, startSession } from '../src/buildkit/session';
import { solve } from '../src/buildkit/solve/solve';
import { daemonEnv, describeWithDaemon, docker, dockerTry, NO_DAEMON_MESSAGE, REPO_ROOT } from '../src/testing';
import { diff } from './diff';
import { PlanGraph, SQUASH_MTIME_NS } from './convert/inputs';
import { convertOperations, fileAction, type FileOperation } from './convert/operations';
import { marshal } from './marshal';
import { State } from './state';
import { validateDefinition } from './validate';

jest.setTimeout(600_000);
if (!daemonEnv()) console.warn(`llb/direct-layer.int.test.ts skipped: ${NO_DAEMON_MESSAGE}`);

const SQUASH_S = SQUASH_MTIME_NS / 1e9;
const nonce = `${process.pid}-${Date.now()}`;

interface Entry {
  type: string;
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

/** ustar + pax headers of a layer tar: what a diffID is made of, besides file bytes. */
function entries(tar: Buffer): Entry[] {
  const out: Entry[] = [];
  let pax: Record<string, string> = {};
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const field = (s: number, n: number) =>
      h
        .subarray(s, s + n)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const num = (s: number, n: number) => parseInt(field(s, n).trim() || '0', 8);
    const size = num(124, 12);
    const type = field(156, 1) || '0';
    const data = tar.subarray(off + 512, off + 512 + size).toString('utf8');
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pax = Object.fromEntries(
        data
          .split('\n')
          .filter(Boolean)
          .map((l) =>
            l
              .slice(l.indexOf(' ') + 1)
              .split(/=(.*)/s)
              .slice(0, 2),
          ),
      );
      continue;
    }
    const name = pax.path ?? (field(345, 155) ? `${field(345, 155)}/${field(0, 100)}` : field(0, 100));
    out.push({ type, path: `/${name.replace(/\/$/, '')}`, mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: Number(pax.mtime ?? num(136, 12)) });
    pax = {};
  }
  return out;
}

describeWithDaemon('direct layers on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const images: string[] = [];
  const temp: string[] = [];
  let conn: BuildkitConnection;
  let count = 0;
  /** image archives, outside every project dir (a session would send them along) */
  let saves: string;

  beforeAll(async () => {
    conn = await connectBuildkit({ env });
    saves = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-direct-saves-'));
    temp.push(saves);
  });
  afterAll(() => {
    conn?.close();
    if (images.length) dockerTry(denv, ['image', 'rm', '-f', ...images]);
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  });

  function fixture(name: string, edit: (dir: string) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cogpack-direct-${name}-`));
    temp.push(dir);
    fs.cpSync(path.join(REPO_ROOT, 'testdata', name), dir, { recursive: true });
    edit(dir);
    return dir;
  }

  /** Solves `layer` alone (every op uncached) into an image and reads its one layer. */
  async function solveLayer(layer: State, sessionId: string): Promise<{ diffId: string; entries: Entry[] }> {
    const m = marshal(layer, { ignoreCache: true });
    validateDefinition(m.definition);
    const name = `docker.io/cogpack-direct-it/layer:${nonce}-${++count}`;
    images.push(name);
    await solve(conn, { definition: m.definition, sessionId, exporters: [{ type: 'moby', attrs: { name } }] });
    const file = path.join(saves, `${count}.tar`);
    docker(denv, ['save', '-o', file, name]);
    const archive = readImageArchive(file);
    expect(archive.layers).toHaveLength(1);
    return { diffId: archive.layers[0].diffId, entries: entries(archive.layerTar(0)) };
  }

  /** The layer the stage took before: Copy(Diff(scratch, its operations)) onto scratch with the squash mtime. */
  function squashOf(graph: PlanGraph, stage: Stage): State {
    const result = convertOperations(State.scratch().dir(stage.dir), stage.operations, { inputs: graph, prefix: `[${stage.id}]`, symlinks: 'exec' });
    const changes = diff(State.scratch(), result);
    return State.scratch().file([
      { action: 'copy', from: changes, src: '/', dest: '/', opts: { contentsOnly: true, followSymlink: false, timestamp: SQUASH_MTIME_NS } },
    ]);
  }

  /**
   * Every scratch stage of the project's plan (after `extend`): direct layer twice (a second apart) and the old
   * squash once, one diffID; every entry at the squash mtime. Returns the direct layer's entries by stage.
   */
  async function checkScratchStages(dir: string, extend: (plan: PlanData) => PlanData = (p) => p): Promise<Map<string, Entry[]>> {
    const plan = extend((await planProject(dir, { imageMap: {}, cogSdk: 'none', env })).plan);
    const stages = plan.export_phases.flatMap((p) => p.stages).filter((s) => s.source.type === 'scratch');
    const session = await startSession(conn, { projectDir: dir, contexts: sessionContexts(dir, plan.contexts), secrets: {}, env });
    const out = new Map<string, Entry[]>();
    try {
      const graph = new PlanGraph(plan, { sessionId: session.id });
      for (const stage of stages) {
        const layer = graph.stageLayer(stage.id);
        expect(layer.output?.vertex.kind).toBe('file');
        const first = await solveLayer(layer, session.id);
        await new Promise((r) => setTimeout(r, 1100)); // tar mtimes are whole seconds: a build-time mtime would now differ
        const second = await solveLayer(layer, session.id);
        const squash = await solveLayer(squashOf(graph, stage), session.id);
        expect([stage.id, second.diffId, squash.diffId]).toEqual([stage.id, first.diffId, first.diffId]);
        expect(first.entries.filter((e) => e.mtime !== SQUASH_S)).toEqual([]);
        out.set(stage.id, first.entries);
      }
    } finally {
      await session.close();
    }
    return out;
  }

  const modes = (list: Entry[] | undefined, paths: string[]) => paths.map((p) => list?.find((e) => e.path === p)?.mode.toString(8));

  it('weights: code, weight dir and weight file layers; source modes kept, made parents 0755', async () => {
    const dir = fixture('weights', (d) => {
      fs.mkdirSync(path.join(d, 'private'), { mode: 0o700 });
      fs.writeFileSync(path.join(d, 'private', 'key.txt'), 'k\n');
      fs.chmodSync(path.join(d, 'private'), 0o700);
      fs.chmodSync(path.join(d, 'private', 'key.txt'), 0o600);
      fs.chmodSync(path.join(d, 'predict.py'), 0o755);
      fs.chmodSync(path.join(d, 'cog.yaml'), 0o644);
      fs.chmodSync(path.join(d, 'checkpoints', 'shard-0.bin'), 0o644);
      fs.chmodSync(path.join(d, 'checkpoints', 'shard-1.bin'), 0o640);
      fs.chmodSync(path.join(d, 'extra.bin'), 0o644);
    });
    const layers = await checkScratchStages(dir);
    expect([...layers.keys()]).toEqual(['weights:weights:checkpoints', 'weights:weights:extra.bin', 'code:source', 'code:cog-schema']);
    expect([...layers.values()].flat().filter((e) => e.uid !== 0 || e.gid !== 0)).toEqual([]);
    expect(modes(layers.get('code:source'), ['/src', '/src/predict.py', '/src/cog.yaml', '/src/private', '/src/private/key.txt'])).toEqual([
      '755',
      '755',
      '644',
      '700',
      '600',
    ]);
    expect(modes(layers.get('weights:weights:checkpoints'), ['/src', '/src/checkpoints/shard-0.bin', '/src/checkpoints/shard-1.bin'])).toEqual([
      '755',
      '644',
      '640',
    ]);
    expect(layers.get('weights:weights:extra.bin')?.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual(['/weights 755', '/weights/extra.bin 644']);
  });

  it('pyproject-app: the entry-points stage (mkdir -p + mkfile) and the code layer', async () => {
    const layers = await checkScratchStages(fixture('pyproject-app', () => undefined));
    expect(layers.get('code:entry-points')?.map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([
      '/usr 755',
      '/usr/local 755',
      '/usr/local/bin 755',
      '/usr/local/bin/hello-app 755',
    ]);
    expect(layers.has('code:source')).toBe(true);
  });

  it('an owned copy: the parents it makes get its owner, a mkdir -p beside it root and its own mode', async () => {
    const owned: Stage = {
      id: 'code:owned',
      name: 'owned',
      block: 'test',
      source: { type: 'scratch' },
      env: {},
      dir: '/',
      provides: [],
      layer: 'squash',
      operations: [
        {
          op: 'copy',
          from: { type: 'context', name: 'source' },
          src: '/predict.py',
          dest: '/opt/app/predict.py',
          include: [],
          exclude: [],
          contents_only: false,
          owner: { uid: 1000, gid: 1001 },
        },
        { op: 'mkdir', path: '/opt/app/cache/tmp', mode: 0o700, parents: true },
        { op: 'mkfile', path: '/opt/app/cache/tmp/VERSION', data: '1\n', mode: 0o600 },
      ],
    };
    const dir = fixture('cpu-minimal', (d) => fs.chmodSync(path.join(d, 'predict.py'), 0o644));
    const layers = await checkScratchStages(dir, (plan) => ({ ...plan, export_phases: [...plan.export_phases, { name: 'owned', stages: [owned] }] }));
    expect(layers.get('code:owned')?.map((e) => `${e.path} ${e.mode.toString(8)} ${e.uid}:${e.gid}`)).toEqual([
      '/opt 755 1000:1001',
      '/opt/app 755 1000:1001',
      '/opt/app/cache 700 0:0',
      '/opt/app/cache/tmp 700 0:0',
      '/opt/app/cache/tmp/VERSION 600 0:0',
      '/opt/app/predict.py 644 1000:1001',
    ]);
  });

  it('control: without the restamp action, a parent dir the copy makes keeps the time of the build', async () => {
    const dir = fixture('weights', () => undefined);
    const { plan }: { plan: PlanData } = await planProject(dir, { imageMap: {}, cogSdk: 'none', env });
    const stage = plan.export_phases.flatMap((p) => p.stages).find((s) => s.id === 'weights:weights:extra.bin') as Stage;
    const session = await startSession(conn, { projectDir: dir, contexts: sessionContexts(dir, plan.contexts), secrets: {}, env });
    try {
      const graph = new PlanGraph(plan, { sessionId: session.id });
      const bare = State.scratch().file(stage.operations.map((op) => fileAction(op as FileOperation, graph, SQUASH_MTIME_NS)));
      const before = Math.floor(Date.now() / 1000);
      const { entries: got } = await solveLayer(bare, session.id);
      const parent = got.find((e) => e.path === '/weights');
      expect(parent?.mtime).toBeGreaterThanOrEqual(before);
      expect(got.find((e) => e.path === '/weights/extra.bin')?.mtime).toBe(SQUASH_S);
    } finally {
      await session.close();
    }
  });
});

// keep the helper honest: it reads what tar writes (checked without a daemon)
describe('layer tar header reader', () => {
  it('reads path, mode, owner and mtime of GNU tar entries', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-direct-tar-'));
    try {
      fs.mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', 'deep', 'a.txt'), 'a');
      fs.chmodSync(path.join(dir, 'src', 'deep', 'a.txt'), 0o640);
      const tar = execFileSync('tar', ['-C', dir, '--owner=0', '--group=0', '--mtime=@315532800', '-cf', '-', 'src']);
      expect(entries(tar).map((e) => [e.path, e.mode.toString(8), e.uid, e.mtime])).toEqual([
        ['/src', '755', 0, SQUASH_S],
        ['/src/deep', '755', 0, SQUASH_S],
        ['/src/deep/a.txt', '640', 0, SQUASH_S],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
