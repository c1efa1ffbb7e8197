import { planProject } from '../stacks/plan-project';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const cog = 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n';
const files = (req: string) => ({
  'cog.yaml': cog,
  'requirements.txt': req,
  'wheels/torch-2.3.1-cp311-cp311-linux_x86_64.whl': 'x',
  'wheels/hello-1.0-py3-none-any.whl': 'x',
  'vendor/extra-1.0-py3-none-any.whl': 'x',
  'vendor/other-2.0-py3-none-any.whl': 'x',
});
const exec = (plan: Awaited<ReturnType<typeof planOf>>, id: string) => {
  const op = stageOf(plan, id)!.operations[0];
  if (op.op !== 'exec') throw new Error('expected exec');
  return op;
};

describe('pip block local paths', () => {
  const req = '--find-links ./wheels\ntorch==2.3.1\nwheels/hello-1.0-py3-none-any.whl\nvendor/extra-1.0-py3-none-any.whl\n';

  it('sends each project path through one context: find-links dirs once, other local wheels apart', async () => {
    const plan = await planOf(tempProject(files(req)));
    expect(plan.contexts['find-links']).toMatchObject({ include: ['wheels'] });
    expect(plan.contexts['wheels']).toMatchObject({ include: ['vendor/extra-1.0-py3-none-any.whl'] });
    const pip = exec(plan, 'deps:pip');
    expect(pip.mounts.filter((m) => m.type === 'bind')).toEqual([
      { type: 'bind', target: '/cogpack/ctx', from: { type: 'context', name: 'find-links' }, source: '/', readonly: true },
      { type: 'bind', target: '/cogpack/wheels', from: { type: 'context', name: 'wheels' }, source: '/', readonly: true },
    ]);
    expect(pip.args).toEqual(expect.arrayContaining(['/cogpack/ctx/wheels/hello-1.0-py3-none-any.whl', '/cogpack/wheels/vendor/extra-1.0-py3-none-any.whl']));
  });

  it('keeps the torch stage on the find-links context only, unchanged when other local wheels change', async () => {
    const a = await planOf(tempProject(files(req)));
    const b = await planOf(tempProject(files(req.replace('vendor/extra-1.0', 'vendor/other-2.0'))));
    expect(
      exec(a, 'framework:torch')
        .mounts.filter((m) => m.type === 'bind')
        .map((m) => m.type === 'bind' && m.from),
    ).toEqual([{ type: 'context', name: 'find-links' }]);
    expect(stageOf(a, 'framework:torch')).toEqual(stageOf(b, 'framework:torch'));
    expect(a.contexts['find-links']).toEqual(b.contexts['find-links']);
    expect(exec(a, 'deps:pip')).not.toEqual(exec(b, 'deps:pip'));
  });

  it('declares no find-links context when every local path is a plain wheel', async () => {
    const plan = await planOf(tempProject(files('vendor/extra-1.0-py3-none-any.whl\n')));
    expect(plan.contexts['find-links']).toBeUndefined();
    expect(exec(plan, 'deps:pip').args).toContain('/cogpack/wheels/vendor/extra-1.0-py3-none-any.whl');
  });
});

describe('pip block framework pins', () => {
  it('repeats what the framework stages installed, so pip resolves against it instead of replacing it', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': cog, 'requirements.txt': 'torchvision\ntorch==2.3.1\nxformers\n' }));
    expect(exec(plan, 'framework:torch').args.slice(-2)).toEqual(['torch==2.3.1', 'torchvision==0.18.1']);
    // with the torch stage's index, so a package pulled in later gets the same CPU/CUDA build
    expect(exec(plan, 'deps:pip').args.slice(4)).toEqual([
      '--extra-index-url',
      'https://download.pytorch.org/whl/cpu',
      'xformers',
      'torch==2.3.1',
      'torchvision==0.18.1',
    ]);
    const tf = await planOf(tempProject({ 'cog.yaml': cog, 'requirements.txt': 'tensorflow==2.15.0\npillow\n' }));
    expect(exec(tf, 'deps:pip').args.slice(4)).toEqual(['pillow', 'tensorflow==2.15.0']);
  });
});

describe('index URLs with credentials', () => {
  it('warns once, with the credentials masked, whichever blocks pass the index to pip', async () => {
    const dir = tempProject({ 'cog.yaml': cog, 'requirements.txt': '--extra-index-url https://bob:s3cr3t@pypi.example/simple\ntorch==2.3.1\nnumpy\n' });
    const { warnings } = await planProject(dir, { env: {} });
    const notes = warnings.filter((w) => w.includes('credentials'));
    expect(notes).toEqual([
      'requirements.txt: index https://***@pypi.example/simple has credentials in its URL; they will show in the plan and the build log (serve the index without them, or install those packages in build.run with a secret mount)',
    ]);
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });
});

describe('pip block hash-checking mode', () => {
  const h = (c: string) => `--hash=sha256:${c.repeat(64)}`;

  it('writes the lines with their hashes to a requirements file pip reads, removed in the same stage', async () => {
    const req = `--find-links ./wheels\n--trusted-host mirror.local\nrich==13.7.1 ${h('a')}\nvendor/extra-1.0-py3-none-any.whl ${h('b')} ${h('c')}\n`;
    const s = stageOf(await planOf(tempProject(files(req))), 'deps:pip')!;
    expect(s.operations.map((o) => o.op)).toEqual(['mkfile', 'exec', 'rm']);
    const [file, pip, rm] = s.operations;
    expect(file).toEqual({
      op: 'mkfile',
      path: '/tmp/cogpack-requirements.txt',
      mode: 0o644,
      data: `rich==13.7.1 ${h('a')}\n/cogpack/wheels/vendor/extra-1.0-py3-none-any.whl ${h('b')} ${h('c')}\n`,
    });
    expect(pip.op === 'exec' && pip.args.slice(4)).toEqual([
      '--find-links',
      '/cogpack/ctx/wheels',
      '--trusted-host',
      'mirror.local',
      '-r',
      '/tmp/cogpack-requirements.txt',
    ]);
    expect(rm).toEqual({ op: 'rm', path: '/tmp/cogpack-requirements.txt', allow_not_found: false });
  });

  it('refuses what pip refuses in that mode, at the line: an unhashed or unpinned line, a directory', async () => {
    const plan = (req: string) => planProject(tempProject({ ...files(req), 'vendor/pkg/pyproject.toml': '' }), { env: {} });
    await expect(plan(`rich==13.7.1 ${h('a')}\nnumpy==1.26.4\n`)).rejects.toMatchObject({ code: 'E_REQUIREMENT_HASH', file: 'requirements.txt', line: 2 });
    await expect(plan(`rich==13.7.1 ${h('a')}\nnumpy>=1.26 ${h('b')}\n`)).rejects.toMatchObject({
      code: 'E_REQUIREMENT_HASH',
      line: 2,
      message: expect.stringContaining('not pinned'),
    });
    await expect(plan(`rich==13.7.1 ${h('a')}\n./vendor/pkg ${h('b')}\n`)).rejects.toMatchObject({
      code: 'E_REQUIREMENT_HASH',
      line: 2,
      message: expect.stringContaining('directory'),
    });
  });

  it('refuses a hashed torch line: its stage installs the CPU/CUDA build cogpack picks, which the hash cannot describe', async () => {
    await expect(planProject(tempProject(files(`torch==2.3.1 ${h('a')}\n`)), { env: {} })).rejects.toMatchObject({
      code: 'E_REQUIREMENT_HASH',
      line: 1,
      message: expect.stringContaining('torch with --hash'),
    });
  });

  it('passes lines as arguments when no line is hashed (no file in the plan)', async () => {
    const s = stageOf(await planOf(tempProject(files('rich==13.7.1\n'))), 'deps:pip')!;
    expect(s.operations.map((o) => o.op)).toEqual(['exec']);
  });
});
