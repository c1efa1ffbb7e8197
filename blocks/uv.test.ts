import { closeSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const FIXTURE = join(__dirname, '..', 'testdata', 'uv-lock-project');

describe('uv block', () => {
  it('leaves the weights out of the context the project wheel is built from (they have their own layer)', async () => {
    const dir = tempProject({
      'pyproject.toml': readFileSync(join(FIXTURE, 'pyproject.toml'), 'utf8'),
      'uv.lock': readFileSync(join(FIXTURE, 'uv.lock'), 'utf8'),
      'src/app/__init__.py': '',
      'models/w[1].bin': '',
    });
    // a sparse 12 MiB file: a weight by size, free on disk
    const fd = openSync(join(dir, 'models', 'w[1].bin'), 'w');
    ftruncateSync(fd, 12 * 1024 * 1024);
    closeSync(fd);
    const plan = await planOf(dir);
    expect(stageOf(plan, 'code:uv:project')).toBeDefined();
    expect(plan.contexts['uv-project'].exclude).toContain('models/w[[]1].bin');
    expect(plan.contexts['uv-lock'].include).toEqual(['pyproject.toml', 'uv.lock']);
  });
});
