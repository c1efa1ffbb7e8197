import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithDaemon } from './daemon';
import { docker } from './docker-cli';
import localImages from './local-images.json';
import { buildWheel } from './wheel';

describeWithDaemon('hand-made wheels inside the local image', (env) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-wheel-int-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pip installs a wheel and its dependency offline in a container, into a venv', () => {
    buildWheel(dir, { name: 'cogpack-inner', version: '2.0.1' });
    buildWheel(dir, {
      name: 'cogpack-outer',
      version: '0.9',
      requires: ['cogpack-inner>=2'],
      files: { 'cogpack_outer/__init__.py': 'from cogpack_inner import __version__ as inner\n' },
      sizeBytes: 1 << 20,
    });
    const script = [
      'python3 -m venv /venv',
      '/venv/bin/pip install --quiet --no-index --find-links /wheels cogpack-outer',
      '/venv/bin/python -c "import cogpack_outer, os; print(cogpack_outer.inner, os.path.getsize(os.path.join(os.path.dirname(cogpack_outer.__file__), \'_payload.bin\')))"',
    ].join(' && ');
    const out = docker(env, ['run', '--rm', '--network', 'none', '-v', `${dir}:/wheels:ro`, localImages.images.python.ref, 'sh', '-c', script]);
    expect(out.trim().split('\n').pop()).toBe(`2.0.1 ${1 << 20}`);
  }, 180_000);
});
