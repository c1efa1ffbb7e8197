/**
 * A context with several include patterns on the real daemon: BuildKit sends each pattern as its own
 * header field, Node joins them, and the session must still serve every listed wheel (plain ASCII
 * patterns, and the URL-escaped form the daemon switches to when a path is non-ASCII), and a pattern
 * that itself holds ", " stays one pattern.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildWheel, describeWithDaemon } from '../../testing';
import { planProject } from '../../../stacks/plan-project';
import { loadImageMap } from '../../../planner/image-map';
import { buildProject } from '../build/build';
import { dockerFromEnv, progressSink, runImage } from '../../testing/build-support';

jest.setTimeout(600_000);

const COG_YAML = 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n';

/** A project whose requirements name one local wheel per entry of `wheels` (directory → distribution). */
function wheelProject(wheels: [dir: string, name: string, version: string][]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-multi-pattern-'));
  fs.writeFileSync(path.join(dir, 'cog.yaml'), COG_YAML);
  fs.writeFileSync(path.join(dir, 'predict.py'), 'class Predictor:\n    def predict(self) -> str:\n        return "ok"\n');
  const lines = wheels.map(([sub, name, version]) => `./${sub}/${buildWheel(path.join(dir, sub), { name, version }).filename}`);
  buildWheel(path.join(dir, 'wheels'), { name: 'cogpack-unlisted', version: '9.0' });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), lines.join('\n') + '\n');
  return dir;
}

describeWithDaemon('a context with several include patterns (real daemon)', (denv) => {
  const env = { ...process.env, ...denv };
  const docker = dockerFromEnv(env);
  const IMPORT = 'import importlib, sys\nfor m in sys.argv[1:]:\n    print(m, importlib.import_module(m).__version__)\n';

  async function buildAndImport(dir: string, tag: string, modules: string[]): Promise<string> {
    const { plan } = await planProject(dir, { cogSdk: 'none', imageMap: loadImageMap([], env), env });
    const include = plan.contexts.wheels?.include ?? [];
    expect(include.length).toBe(modules.length); // the case under test: one context, several patterns
    await buildProject(dir, { cogSdk: 'none', env, tags: [tag], progress: 'plain', progressOut: progressSink().out });
    const run = await runImage(docker, tag, ['python', '-c', IMPORT, ...modules, 'cogpack_unlisted']);
    expect(run.code).not.toBe(0); // the unlisted wheel sits next to the others but was never installed
    return run.output;
  }

  it('installs every listed wheel when the patterns are plain ASCII (one with a bare comma)', async () => {
    const dir = wheelProject([
      ['wheels', 'cogpack-alpha', '1.0'],
      ['wheels', 'cogpack-beta', '2.0'],
      ['wheels,v2', 'cogpack-gamma', '3.0'],
    ]);
    const out = await buildAndImport(dir, 'cogpack-it/multi-pattern:ascii', ['cogpack_alpha', 'cogpack_beta', 'cogpack_gamma']);
    expect(out).toMatch(/cogpack_alpha 1\.0\s+cogpack_beta 2\.0\s+cogpack_gamma 3\.0\s/);
    expect(out).toContain("No module named 'cogpack_unlisted'");
  });

  it('keeps ASCII patterns holding ", " whole (a wheel under "vendor, x/"; .dockerignore "notes, old")', async () => {
    const dir = wheelProject([
      ['wheels', 'cogpack-alpha', '1.2'],
      ['wheels', 'cogpack-beta', '2.2'],
      ['vendor, x', 'cogpack-gamma', '3.2'],
    ]);
    for (const f of ['notes', 'old', 'notes, old']) fs.writeFileSync(path.join(dir, f), f);
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'notes, old\n');
    const tag = 'cogpack-it/multi-pattern:comma-space';
    const out = await buildAndImport(dir, tag, ['cogpack_alpha', 'cogpack_beta', 'cogpack_gamma']);
    expect(out).toMatch(/cogpack_alpha 1\.2\s+cogpack_beta 2\.2\s+cogpack_gamma 3\.2\s/);
    const ls = await runImage(docker, tag, ['python', '-c', 'import os; print("\\n".join(os.listdir("/src")))']);
    expect(ls.output.split(/\r?\n/).filter(Boolean).sort()).toEqual([
      '.cog',
      '.dockerignore',
      'cog.yaml',
      'notes',
      'old',
      'predict.py',
      'requirements.txt',
      'vendor, x',
      'wheels',
    ]);
  });

  it('installs every listed wheel when a non-ASCII path makes the daemon URL-escape all patterns', async () => {
    const dir = wheelProject([
      ['wheels', 'cogpack-alpha', '1.1'],
      ['vendor,é', 'cogpack-delta', '4.0'],
    ]);
    const out = await buildAndImport(dir, 'cogpack-it/multi-pattern:encoded', ['cogpack_alpha', 'cogpack_delta']);
    expect(out).toMatch(/cogpack_alpha 1\.1\s+cogpack_delta 4\.0\s/);
  });
});
