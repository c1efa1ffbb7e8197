/**
 * The fast start of `cogpack plan`: the loader's fallbacks on a throw-away bundle, then the real
 * CLI (bin/cogpack.js after `npm run build`) through the bundle against the plan snapshots and
 * against dist/ for every bad-input case (same one line, same exit code).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type BundlePaths, commandOf, compileWithCache, loadPlanBundle } from './plan-bundle';

const ROOT = join(__dirname, '..', '..');

describe('commandOf', () => {
  it('takes the first argument that is not an option, as the command registry does', () => {
    expect(commandOf(['node', 'cogpack', 'plan', '--json', 'x'])).toBe('plan');
    expect(commandOf(['node', 'cogpack', '--debug', 'plan', 'x'])).toBe('plan');
    expect(commandOf(['node', 'cogpack', '--help'])).toBeUndefined();
    expect(commandOf(['node', 'cogpack', 'build', 'plan'])).toBe('build');
  });
});

describe('loadPlanBundle on a throw-away bundle', () => {
  let dir: string;
  let paths: BundlePaths;
  const argv = ['node', 'cogpack', 'plan', 'proj'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cogpack-bundle-'));
    paths = { bundle: join(dir, 'plan.js'), cache: join(dir, 'plan.js.cache'), distCli: join(dir, 'cli.js') };
    writeFileSync(paths.distCli, '');
    // uses require() of a builtin and __dirname, as the real bundle does
    writeFileSync(paths.bundle, 'const { join } = require("node:path");\nexports.main = async (argv) => join(__dirname, argv[2]);\n');
    utimesSync(paths.distCli, 1000, 1000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the bundle main for plan, with require and __dirname of the bundle', async () => {
    const main = loadPlanBundle(argv, {}, paths);
    expect(main).toBeDefined();
    await expect(main!(argv)).resolves.toBe(join(dir, 'plan'));
  });

  it('falls back for other commands, COGPACK_FAST_PATH=0, a missing or a stale bundle', () => {
    expect(loadPlanBundle(['node', 'cogpack', 'llb', 'x'], {}, paths)).toBeUndefined();
    expect(loadPlanBundle(['node', 'cogpack', '--help'], {}, paths)).toBeUndefined();
    expect(loadPlanBundle(argv, { COGPACK_FAST_PATH: '0' }, paths)).toBeUndefined();
    utimesSync(paths.distCli, Date.now() / 1000 + 60, Date.now() / 1000 + 60); // tsc ran after the bundle
    expect(loadPlanBundle(argv, {}, paths)).toBeUndefined();
    rmSync(paths.bundle);
    expect(loadPlanBundle(argv, {}, paths)).toBeUndefined();
  });

  it('uses a matching code cache and still runs with a corrupt one', async () => {
    const { script } = compileWithCache(paths.bundle);
    writeFileSync(paths.cache, script.createCachedData());
    expect(compileWithCache(paths.bundle, readFileSync(paths.cache)).script.cachedDataRejected).toBe(false);
    // a new source text: V8 would otherwise reuse this process's own compilation and not read the cache
    writeFileSync(paths.bundle, `${readFileSync(paths.bundle, 'utf8')}// changed\n`);
    writeFileSync(paths.cache, Buffer.from('not a V8 code cache'));
    expect(compileWithCache(paths.bundle, readFileSync(paths.cache)).script.cachedDataRejected).toBe(true);
    await expect(loadPlanBundle(argv, {}, paths)!(argv)).resolves.toBe(join(dir, 'plan'));
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Run> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('COGPACK_')) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'cogpack.js'), ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    child.stderr.on('data', (d) => (out.stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...out }));
  });
}

/** A few at a time: the machine has two cores shared with other work. */
async function pool<T>(items: string[], fn: (item: string) => Promise<T>): Promise<Map<string, T>> {
  const results = new Map<string, T>();
  const queue = [...items];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) results.set(c, await fn(c));
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

// The compiled modules, as bin/cogpack.js loads them (the bundle exists after `npm run build`).
const distLoader = join(ROOT, 'dist', 'src', 'startup', 'plan-bundle.js');
const built = existsSync(distLoader) && existsSync(join(ROOT, 'dist', 'fast', 'plan.js'));
if (!built) process.stderr.write('plan-bundle.test: SKIPPING the CLI tests: no dist/fast/plan.js (run `npm run build` first)\n');
const withBuild = built ? describe : describe.skip;

withBuild('bin/cogpack.js plan through the bundle', () => {
  beforeAll(() => {
    // otherwise the CLI would quietly use dist/ and these tests would compare dist/ with itself
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loader = require(distLoader) as typeof import('./plan-bundle');
    expect(loader.loadPlanBundle(['node', 'cogpack', 'plan'], {})).toBeDefined();
  });

  it('prints the snapshot bytes for every fixture', async () => {
    const fixtures = readdirSync(join(ROOT, 'testdata'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'errors' && e.name !== 'cog-schema' && existsSync(join(ROOT, 'snapshots', `${e.name}.plan.json`)))
      .map((e) => e.name);
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    const runs = await pool(fixtures, (f) => cli(['plan', '--json', join('testdata', f)]));
    for (const f of fixtures) {
      const r = runs.get(f)!;
      expect({ f, code: r.code, stdout: r.stdout }).toEqual({ f, code: 0, stdout: readFileSync(join(ROOT, 'snapshots', `${f}.plan.json`), 'utf8') });
    }
  }, 240_000);

  it('fails every bad-input case with the same one line and exit code as dist/', async () => {
    const cases = readdirSync(join(ROOT, 'testdata', 'errors')).sort();
    const fast = await pool(cases, (c) => cli(['plan', join('testdata', 'errors', c)]));
    const slow = await pool(cases, (c) => cli(['plan', join('testdata', 'errors', c)], { COGPACK_FAST_PATH: '0' }));
    for (const c of cases) {
      expect({ c, ...fast.get(c) }).toEqual({ c, ...slow.get(c) });
      expect(fast.get(c)!.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }, 240_000);

  it('prints the same summary, help and usage errors as dist/', async () => {
    for (const args of [
      ['plan', 'testdata/gpu-torch'],
      ['plan', '--help'],
      ['plan', '--no-such-flag'],
      ['plan', 'no/such/dir'],
    ]) {
      const [fast, slow] = await Promise.all([cli(args), cli(args, { COGPACK_FAST_PATH: '0' })]);
      expect({ args, ...fast }).toEqual({ args, ...slow });
    }
  }, 120_000);

  it('plans a valid project without loading zod or a schema module; a bad one loads them from dist/', async () => {
    // a preload that reports every module file Node loads (the bundle itself is one of them)
    const dir = mkdtempSync(join(tmpdir(), 'cogpack-loads-'));
    const hook = join(dir, 'hook.js');
    writeFileSync(
      hook,
      `const M = require('module'); const seen = []; const orig = M._load;
M._load = function (request, parent, isMain) { seen.push(request); return orig.apply(this, arguments); };
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen) + '\\n'));\n`,
    );
    try {
      // paths relative to the checkout, whose own directory name may contain "schema"
      const loaded = (r: Run) => (JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]) as string[]).map((m) => relative(ROOT, m));
      // nor inside the bundle (esbuild keeps each module's path as its key there)
      expect(readFileSync(join(ROOT, 'dist', 'fast', 'plan.js'), 'utf8')).not.toContain('node_modules/zod/');
      for (const f of ['gpu-torch', 'uv-lock', 'pyproject-app']) {
        const r = await cli(['plan', '--json', join('testdata', f)], {}, ['--require', hook]);
        expect(r.code).toBe(0);
        expect(loaded(r).filter((m) => /zod|schema/.test(m))).toEqual([]);
      }
      // a schema error: the stub hands the input to the real cog.yaml schema, which brings zod
      const bad = await cli(['plan', join('testdata', 'errors', 'wrong-type')], {}, ['--require', hook]);
      expect(bad.code).toBe(2);
      expect(loaded(bad)).toEqual(expect.arrayContaining(['../planner/project/cog-yaml-schema.js', 'zod']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
