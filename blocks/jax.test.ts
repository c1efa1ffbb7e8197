import { z } from 'zod';
import type { CogpackError } from '../src/errors';
import { resolve } from '../planner/resolver';
import type { DependencyRequest, ResolveOptions } from '../planner/resolver/types';
import { FRAMEWORKS } from './frameworks';
import data from './data/jax-compatibility.json';
import { planOf, stageOf, tempProject } from '../src/testing/temp-project';

const opts = (gpu: boolean): ResolveOptions => ({ gpu, imageMap: {}, frameworks: FRAMEWORKS });
const req = (name: string, constraint: string, source = 'requirements.txt:1', requester = 'jax'): DependencyRequest => ({
  kind: name === 'python' || name === 'cuda' ? name : 'python-package',
  name,
  constraint,
  source,
  requester,
});
const py = (c: string) => req('python', c, 'cog.yaml:2 build.python_version', 'python');

function failure(requests: DependencyRequest[], gpu = false): CogpackError {
  try {
    resolve(requests, opts(gpu));
  } catch (e) {
    return e as CogpackError;
  }
  throw new Error('resolve did not fail');
}

const cog = (gpu: boolean, extra = '') => `build:\n  gpu: ${gpu}\n  python_version: "3.11"\n${extra}run: "predict.py:Predictor"\n`;
const argsOf = (plan: Awaited<ReturnType<typeof planOf>>, id: string) => {
  const op = stageOf(plan, id)?.operations[0];
  return op?.op === 'exec' ? op.args : [];
};

describe('jax compatibility data', () => {
  const Version = z.string().regex(/^\d+\.\d+\.\d+$/);
  const Schema = z
    .object({
      provenance: z.object({ file: z.literal('jax-compatibility.json'), source: z.string().min(1), license: z.string().min(1) }).strict(),
      gpu: z.object({ cuda_major: z.string().regex(/^\d+$/), packages: z.array(z.string().min(1)).min(1) }).strict(),
      rows: z.array(z.object({ jax: Version, jaxlib: Version, pythons: z.array(z.string().regex(/^3\.\d+$/)).min(1) }).strict()).min(1),
    })
    .strict();

  it('parses, lists each release once, newest first', () => {
    expect(() => Schema.parse(data)).not.toThrow();
    const versions = data.rows.map((r) => r.jax);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))).toEqual(versions);
  });
});

describe('jax resolver', () => {
  it('pins the exact release, and the newest release a range allows', () => {
    expect(resolve([req('jax', '==0.4.35')], opts(false)).frameworks.jax).toEqual({
      version: '0.4.35',
      variant: '',
      packages: { jax: '0.4.35', jaxlib: '0.4.35' },
      index_url: '',
      cuda: null,
      cudnn: null,
    });
    const r = resolve([req('jax', '>=0.4.31,<0.5'), req('jaxlib', '', 'requirements.txt:2')], opts(false));
    expect(r.frameworks.jax.version).toBe('0.4.38');
    expect(r.dependencies.jaxlib).toMatchObject({ resolved_version: '0.4.38', provider: 'jax', source: 'requirements.txt:2' });
  });

  it('a bare jax resolves to the newest release for the python, with a warning', () => {
    const r = resolve([py('3.10'), req('jax', '')], opts(false));
    expect(r.frameworks.jax.version).toBe('0.6.2'); // 0.7.0 needs python 3.11
    expect(r.warnings.join('\n')).toMatch(/jax is not pinned \(requirements.txt:1\); resolved to 0\.6\.2/);
  });

  it("with gpu adds the CUDA 12 wheels at jaxlib's version and picks the newest CUDA 12 base", () => {
    const r = resolve([req('jax', '==0.6.2')], opts(true));
    expect(r.frameworks.jax.packages).toEqual({ jax: '0.6.2', jaxlib: '0.6.2', 'jax-cuda12-plugin[with_cuda]': '0.6.2', 'jax-cuda12-pjrt': '0.6.2' });
    expect(r.cuda?.version).toMatch(/^12\.\d+$/);
    expect(r.dependencies.cuda.source).toBe('chosen for jax 0.6.2+cuda12 from requirements.txt:1');
  });

  it("keeps a user's CUDA 12 and the CUDA 12 torch fixes", () => {
    expect(resolve([req('jax', '==0.6.2'), req('cuda', '12.4', 'cog.yaml:5 build.cuda', 'cuda')], opts(true)).cuda?.version).toBe('12.4');
    expect(resolve([req('jax', '==0.6.2'), req('torch', '==2.3.1', 'requirements.txt:2', 'torch')], opts(true)).cuda?.version).toBe('12.1');
  });

  it.each<[string, DependencyRequest[], boolean, string, string, number, RegExp]>([
    [
      'an unknown release',
      [req('jax', '==0.4.99', 'requirements.txt:3')],
      false,
      'E_JAX_VERSION',
      'requirements.txt',
      3,
      /jax ==0\.4\.99 .*closest known: 0\.4\.38, 0\.5\.0/,
    ],
    [
      'jax and jaxlib that disagree',
      [req('jax', '==0.5.0', 'requirements.txt:3'), req('jaxlib', '==0.4.38', 'requirements.txt:4')],
      false,
      'E_JAX_CONFLICT',
      'requirements.txt',
      3,
      /jax ==0\.5\.0 \(requirements.txt:3, from block jax\) conflicts with jaxlib ==0\.4\.38 \(requirements.txt:4, from block jax\)/,
    ],
    [
      'a python the release does not support',
      [py('3.10'), req('jax', '==0.7.0', 'requirements.txt:2')],
      false,
      'E_JAX_PYTHON',
      'requirements.txt',
      2,
      /conflicts with python 3\.10 \(cog\.yaml:2 build\.python_version, from block python\): jax 0\.7\.0 supports python 3\.11–3\.13/,
    ],
    [
      'a user CUDA 11',
      [req('jax', '==0.6.2', 'requirements.txt:2'), req('cuda', '11.8', 'cog.yaml:5 build.cuda', 'cuda')],
      true,
      'E_CUDA_CONFLICT',
      'requirements.txt',
      2,
      /jax's CUDA wheels need CUDA 12/,
    ],
    [
      'a torch built for CUDA 11',
      [req('torch', '==2.0.1+cu118', 'requirements.txt:1', 'torch'), req('jax', '==0.6.2', 'requirements.txt:2')],
      true,
      'E_CUDA_CONFLICT',
      'requirements.txt',
      2,
      /CUDA 11\.8 is already chosen/,
    ],
  ])('%s fails at file:line naming the requests', (_, requests, gpu, code, file, line, message) => {
    const e = failure(requests, gpu);
    expect(e).toMatchObject({ code, file, line, exitCode: 2 });
    expect(e.message).toMatch(message);
  });
});

describe('jax block', () => {
  const predictor = { 'predict.py': 'class Predictor:\n    def predict(self) -> str:\n        return ""\n' };

  it.each([
    ['requirements.txt', { 'cog.yaml': cog(false, '  python_requirements: requirements.txt\n'), 'requirements.txt': 'jax==0.5.3\nnumpy==2.1.0\n' }],
    ['cog.yaml python_packages', { 'cog.yaml': cog(false, '  python_packages:\n    - jaxlib==0.5.3\n    - numpy==2.1.0\n') }],
    [
      'pyproject dependencies',
      {
        'pyproject.toml': '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["jax==0.5.3", "numpy==2.1.0"]\n',
        'app.py': 'print(1)\n',
      },
    ],
  ])('is detected from %s, installs in its own stage and pip skips the line', async (_, files) => {
    const plan = await planOf(tempProject({ ...predictor, ...files }));
    expect(plan.blocks).toContain('jax');
    expect(argsOf(plan, 'framework:jax')).toEqual(expect.arrayContaining(['jax==0.5.3', 'jaxlib==0.5.3']));
    const pip = argsOf(plan, 'deps:pip');
    expect(pip).toContain('numpy==2.1.0');
    expect(pip.filter((a) => /^jax/.test(a))).toEqual(['jax==0.5.3', 'jaxlib==0.5.3']); // only the repeated pins
  });

  it('its stage is built from python alone and stays identical when apt packages or other requirements change', async () => {
    const a = await planOf(
      tempProject({
        ...predictor,
        'cog.yaml': cog(true, '  system_packages:\n    - jq\n  python_requirements: requirements.txt\n'),
        'requirements.txt': 'jax[cuda12]==0.6.2\n',
      }),
    );
    const b = await planOf(
      tempProject({ ...predictor, 'cog.yaml': cog(true, '  python_requirements: requirements.txt\n'), 'requirements.txt': 'numpy\njax[cuda12]==0.6.2\n' }),
    );
    const s = stageOf(a, 'framework:jax')!;
    expect(s).toMatchObject({ source: { type: 'phase', name: 'python' }, independent_of: ['system'] });
    expect(stageOf(b, 'framework:jax')).toEqual(s);
    expect(argsOf(a, 'framework:jax')).toContain('jax-cuda12-plugin[with_cuda]==0.6.2');
  });
});
