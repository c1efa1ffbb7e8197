import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWheel, wheelStem } from './wheel';

function run(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

/** Checks every RECORD line against the archive with python (independent of our writer). */
const VERIFY_RECORD = `import zipfile,sys,hashlib,base64,csv,io
z=zipfile.ZipFile(sys.argv[1]); rec=[n for n in z.namelist() if n.endswith('.dist-info/RECORD')][0]
rows=list(csv.reader(io.StringIO(z.read(rec).decode())))
assert sorted(r[0] for r in rows)==sorted(z.namelist()), 'RECORD lists every file'
for name,h,size in rows:
  if name==rec: assert h=='' and size==''; continue
  d=z.read(name); assert h=='sha256='+base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode(), name
  assert int(size)==len(d), name
print(len(rows))`;

describe('buildWheel', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-wheel-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names files per PEP 427', () => {
    expect(wheelStem('My.Pkg-name', '1.0')).toBe('my_pkg_name-1.0');
    expect(buildWheel(dir, { name: 'Foo-Bar', version: '2.0' }).filename).toBe('foo_bar-2.0-py3-none-any.whl');
  });

  it('writes a RECORD whose sha256 digests and sizes match the archive', () => {
    const w = buildWheel(dir, {
      name: 'rec-check',
      version: '0.1',
      files: { 'rec_check/__init__.py': 'X = 1\n', 'rec_check/data.txt': 'd' },
      sizeBytes: 100_000,
    });
    expect(run('python3', ['-c', VERIFY_RECORD, w.path]).trim()).toBe('6');
  });

  it('is byte-identical for the same spec', () => {
    const a = buildWheel(path.join(dir, 'a'), { name: 'same', version: '1', sizeBytes: 1 << 20 });
    const b = buildWheel(path.join(dir, 'b'), { name: 'same', version: '1', sizeBytes: 1 << 20 });
    expect(a.sha256).toBe(b.sha256);
    expect(fs.readFileSync(a.path).equals(fs.readFileSync(b.path))).toBe(true);
  });

  it('keeps sizeBytes incompressible, so the wheel is at least that large', () => {
    const w = buildWheel(dir, { name: 'heavy', version: '1', sizeBytes: 5 << 20 });
    expect(fs.statSync(w.path).size).toBeGreaterThanOrEqual(5 << 20);
  });

  it('is really installed by pip, offline, with its dependency from the same folder', () => {
    const wheels = path.join(dir, 'wheels');
    buildWheel(wheels, { name: 'cogpack-dep', version: '0.3.0' });
    const top = buildWheel(wheels, {
      name: 'cogpack-demo',
      version: '1.2.3',
      requires: ['cogpack-dep==0.3.0'],
      files: { 'cogpack_demo/__init__.py': 'import cogpack_dep\n\ndef hello():\n    return "hi from " + cogpack_dep.__version__\n' },
    });
    const venv = path.join(dir, 'venv');
    run('python3', ['-m', 'venv', venv]);
    run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--no-index', '--find-links', wheels, 'cogpack-demo==1.2.3']);
    expect(run(path.join(venv, 'bin', 'python'), ['-c', 'import cogpack_demo; print(cogpack_demo.hello())']).trim()).toBe('hi from 0.3.0');
    const freeze = run(path.join(venv, 'bin', 'pip'), ['freeze']);
    expect(freeze).toContain('cogpack-demo==1.2.3');
    expect(top.module).toBe('cogpack_demo');
  }, 120_000);
});
