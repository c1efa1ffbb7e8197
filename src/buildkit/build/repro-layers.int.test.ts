/**
 * Squash layers are byte-reproducible on the real daemon: with the fixed squash mtime (llb SQUASH_MTIME_NS),
 * two --no-cache builds give the same diffID for every non-base layer, and pip's bytecode stays valid.
 */
import { describeWithDaemon } from '../../testing';
import { buildProject, type BuildSummary } from './build';
import { copyFixture, dockerFromEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(900_000);

// stage-made layers only (the runtime base image's own layers are shared as they are)
const ownLayers = (s: BuildSummary) => s.layers.filter((l) => l.stage !== undefined).map((l) => `${l.stage} ${l.diffId}`);

const PYC = '/usr/local/lib/python3.11/dist-packages/cogpack_hello/__pycache__/__init__.cpython-311.pyc';
// flags word of the pyc header (bit 0 = hash-based, bit 1 = checked), the pyc's sha256 before and after an import
const PYC_CHECK = [
  'import hashlib, importlib, sys',
  `p = '${PYC}'`,
  'h = lambda: hashlib.sha256(open(p, "rb").read()).hexdigest()',
  'before = h(); flags = int.from_bytes(open(p, "rb").read()[4:8], "little")',
  'importlib.import_module("cogpack_hello")',
  'print("flags", flags, "same", before == h())',
].join('\n');

describeWithDaemon('reproducible squash layers on the real daemon', (denv) => {
  const env = { ...process.env, ...denv };
  const build = (dir: string, tag: string) =>
    buildProject(dir, { cogSdk: 'none', env, noCache: true, progress: 'quiet', progressOut: progressSink().out, tags: [tag] });

  it('cpu-apt-wheel: two --no-cache builds give identical diffIDs for every non-base layer', async () => {
    const dir = copyFixture('cpu-apt-wheel');
    const first = await build(dir, 'cogpack-it/repro-layers:1');
    const second = await build(dir, 'cogpack-it/repro-layers:2');
    expect(ownLayers(first).map((l) => l.split(' ')[0])).toEqual(['python:python', 'system:apt', 'deps:pip', 'code:source', 'code:cog-schema']);
    expect(ownLayers(second)).toEqual(ownLayers(first));
  });

  it('the installed wheel has checked-hash pycs (SOURCE_DATE_EPOCH) that an import in a read-only container leaves alone', async () => {
    const docker = dockerFromEnv(env);
    const run = await runImage(docker, 'cogpack-it/repro-layers:2', ['python', '-c', PYC_CHECK]);
    expect(run.code).toBe(0);
    expect(run.output).toContain('flags 3 same True');
  });
});
