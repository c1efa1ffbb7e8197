import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const cog = 'build:\n  python_version: "3.12"\n  sdk_version: "0.16.8"\nrun: "predict.py:Predictor"\n';

describe('cog-sdk block', () => {
  it('installs the pinned SDK from PyPI after the requirements', async () => {
    const plan = await planOf(tempProject({ 'cog.yaml': cog }));
    const op = stageOf(plan, 'sdk:cog-sdk')!.operations[0];
    expect(op.op === 'exec' && op.args).toEqual(['python3.12', '-m', 'pip', 'install', 'cog==0.16.8']);
  });

  it('is skipped with none (flag or COGPACK_COG_SDK) and reads a wheel through its own context', async () => {
    const dir = tempProject({ 'cog.yaml': cog, 'dist/cog-0.17.0-py3-none-any.whl': 'zip' });
    expect(stageOf(await planOf(dir, { cogSdk: 'none' }), 'sdk:cog-sdk')).toBeUndefined();
    expect(stageOf(await planOf(dir, { env: { COGPACK_COG_SDK: 'none' } }), 'sdk:cog-sdk')).toBeUndefined();
    const plan = await planOf(dir, { cogSdk: join(dir, 'dist', 'cog-0.17.0-py3-none-any.whl') });
    // inside the project: the root narrowed to the wheel's directory (the frontend serves only the root)
    expect(plan.contexts['cog-sdk']).toEqual({ path: '.', exclude: [], include: ['dist/*.whl'] });
    expect(JSON.stringify(plan)).not.toContain(dir);
    writeFileSync(join(dir, 'x.txt'), '');
    await expect(planOf(dir, { cogSdk: join(dir, 'x.txt') })).rejects.toMatchObject({ code: 'E_COG_SDK' });
  });

  it('marks a wheel outside the project as flag-given, with a relative path and no machine path', async () => {
    const root = tempProject({
      'outside/dist/cog-0.17.0-py3-none-any.whl': 'zip',
      'proj/cog.yaml': cog,
      'proj/predict.py': 'def Predictor() -> str:\n    return "ok"\n',
    });
    const plan = await planOf(join(root, 'proj'), { cogSdk: join(root, 'outside', 'dist', 'cog-0.17.0-py3-none-any.whl') });
    expect(plan.contexts['cog-sdk']).toEqual({ path: '../outside/dist', exclude: [], include: ['*.whl'], origin: 'flag' });
    expect(JSON.stringify(plan)).not.toContain(root);
    for (const [name, c] of Object.entries(plan.contexts)) if (name !== 'cog-sdk') expect(c.origin).toBeUndefined();
  });

  it("a wheel SDK keeps the project's --find-links directories (its dependencies may come from there under --no-index)", async () => {
    const dir = tempProject({
      'cog.yaml': 'build:\n  python_version: "3.12"\n  python_requirements: requirements.txt\n',
      'requirements.txt': '--no-index\n--find-links ./wheels\nhello==1.0\n',
      'wheels/hello-1.0-py3-none-any.whl': 'zip',
      'dist/cog-0.17.0-py3-none-any.whl': 'zip',
    });
    const s = stageOf(await planOf(dir, { cogSdk: join(dir, 'dist', 'cog-0.17.0-py3-none-any.whl') }), 'sdk:cog-sdk')!;
    const op = s.operations[0];
    if (op.op !== 'exec') throw new Error('expected exec');
    // before: the wheel's dir was mounted over /cogpack/ctx and the find-links value dropped, leaving
    // `--find-links /cogpack/ctx/cog-….whl` and nothing to install
    expect(op.args).toEqual([
      'python3.12',
      '-m',
      'pip',
      'install',
      '--no-index',
      '--find-links',
      '/cogpack/ctx/wheels',
      '--find-links',
      '/cogpack/sdk',
      '/cogpack/sdk/cog-0.17.0-py3-none-any.whl',
    ]);
    expect(op.mounts.filter((m) => m.type === 'bind')).toEqual([
      { type: 'bind', target: '/cogpack/ctx', from: { type: 'context', name: 'find-links' }, source: '/', readonly: true },
      { type: 'bind', target: '/cogpack/sdk', from: { type: 'context', name: 'cog-sdk' }, source: '/dist', readonly: true },
    ]);
  });

  it("takes the SDK's dependencies from a wheelhouse (the wheel's directory, or a directory given), offline", async () => {
    const root = tempProject({
      'house/cog-0.13.6-py3-none-any.whl': 'zip',
      'house/attrs-22.2.0-py3-none-any.whl': 'zip',
      'house/notes.txt': '',
      'proj/cog.yaml': 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\n',
      'proj/requirements.txt': '--extra-index-url https://mirror.example/simple\nhello==1.0\n',
    });
    const proj = join(root, 'proj');
    for (const sdk of [join(root, 'house', 'cog-0.13.6-py3-none-any.whl'), join(root, 'house')]) {
      const plan = await planOf(proj, { cogSdk: sdk });
      const op = stageOf(plan, 'sdk:cog-sdk')!.operations[0];
      // the project's remote index is not asked for what the wheelhouse holds (offline, and no newer copy wins)
      expect(op.op === 'exec' && op.args).toEqual([
        'python3.11',
        '-m',
        'pip',
        'install',
        '--no-index',
        '--find-links',
        '/cogpack/sdk',
        '/cogpack/sdk/cog-0.13.6-py3-none-any.whl',
      ]);
      expect(plan.contexts['cog-sdk']).toEqual({ path: '../house', exclude: [], include: ['*.whl'], origin: 'flag' });
    }
  });

  it('names the directory when it holds no cog wheel or several', async () => {
    const root = tempProject({ 'proj/cog.yaml': cog, 'empty/x.whl': 'zip', 'two/cog-0.13.6-py3-none-any.whl': 'z', 'two/cog-0.16.8-py3-none-any.whl': 'z' });
    await expect(planOf(join(root, 'proj'), { cogSdk: join(root, 'empty') })).rejects.toMatchObject({
      code: 'E_COG_SDK',
      message: expect.stringContaining('holds no cog-*.whl'),
    });
    await expect(planOf(join(root, 'proj'), { cogSdk: join(root, 'two') })).rejects.toMatchObject({
      code: 'E_COG_SDK',
      message: expect.stringContaining('(cog-0.13.6-py3-none-any.whl, cog-0.16.8-py3-none-any.whl)'),
    });
  });
});
