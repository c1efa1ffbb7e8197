import { ConfigError, InternalError, type CogpackError } from '../../src/errors';
import { resolve } from './index';
import { parseSource, isDefaultSource } from './errors';
import { cuda, cudnn, options, py, req, tf, torch } from './testing/requests';
import type { DependencyRequest } from './types';

const gpu = options(true);
const cpu = options(false);

function failure(requests: DependencyRequest[], opts = gpu): CogpackError {
  try {
    resolve(requests, opts);
  } catch (e) {
    return e as CogpackError;
  }
  throw new Error('resolve did not fail');
}

describe('parseSource', () => {
  test.each([
    ['cog.yaml:12 build.python_version', { file: 'cog.yaml', line: 12, detail: 'build.python_version' }],
    ['requirements.txt:3', { file: 'requirements.txt', line: 3 }],
    ['uv.lock', { file: 'uv.lock' }],
    ['sub/requirements-gpu.txt:7', { file: 'sub/requirements-gpu.txt', line: 7 }],
    ['pyproject.toml:4 project.requires-python', { file: 'pyproject.toml', line: 4, detail: 'project.requires-python' }],
    ['default', {}],
  ])('%s', (source, want) => {
    expect(parseSource(source)).toEqual(want);
  });

  test('defaults are recognised', () => {
    expect(isDefaultSource('default')).toBe(true);
    expect(isDefaultSource('default: python block')).toBe(true);
    expect(isDefaultSource('defaults.txt:1')).toBe(false);
  });
});

describe("user mistakes → ConfigError (exit 2) at the user's file:line, naming both requesters", () => {
  test.each<[string, DependencyRequest[], typeof gpu, string, string, number | undefined, RegExp[]]>([
    [
      "python out of torch's range",
      [py('3.13'), torch('==2.5.1')],
      gpu,
      'E_TORCH_PYTHON',
      'requirements.txt',
      1,
      [/torch ==2.5.1 \(requirements.txt:1/, /python 3.13 \(cog.yaml:3 build.python_version/, /supports python 3.10–3.12/],
    ],
    [
      "python out of TF's range",
      [py('3.13'), tf('==2.18.0')],
      cpu,
      'E_TF_PYTHON',
      'requirements.txt',
      2,
      [/tensorflow ==2.18.0 \(requirements.txt:2/, /cog.yaml:3 build.python_version/, /3.9–3.12/],
    ],
    ['python 2.7', [py('2.7')], cpu, 'E_PYTHON_VERSION', 'cog.yaml', 3, [/end of life in January 2020/]],
    ['python 3.8', [py('3.8')], cpu, 'E_PYTHON_VERSION', 'cog.yaml', 3, [/3\.8 reached end of life/]],
    [
      'python 3.9 via requires-python',
      [py('==3.9.*', 'pyproject.toml:4 project.requires-python')],
      cpu,
      'E_PYTHON_VERSION',
      'pyproject.toml',
      4,
      [/3\.9 reached end of life/],
    ],
    ['python 3.14', [py('3.14')], cpu, 'E_PYTHON_VERSION', 'cog.yaml', 3, [/not supported by cogpack yet/]],
    [
      'cog.yaml vs pyproject python',
      [py('3.11'), py('>=3.12', 'pyproject.toml:4 project.requires-python')],
      cpu,
      'E_PYTHON_CONFLICT',
      'cog.yaml',
      3,
      [/python 3.11 \(cog.yaml:3/, /python >=3.12 \(pyproject.toml:4/],
    ],
    ['unknown torch', [torch('==2.3.5')], gpu, 'E_TORCH_VERSION', 'requirements.txt', 1, [/closest known: 2.3.1, 2.4.0/]],
    ['unknown torch on cpu', [torch('==1.10.0')], cpu, 'E_TORCH_VERSION', 'requirements.txt', 1, [/closest known: 1.11.0$|closest known: 1.11.0 /]],
    ['torch newer than the data', [torch('==2.12.0')], gpu, 'E_TORCH_VERSION', 'requirements.txt', 1, [/closest known: 2.11.0/]],
    ['torch range matching nothing', [torch('>=3')], gpu, 'E_TORCH_VERSION', 'requirements.txt', 1, [/no known torch release matches >=3/]],
    [
      'two torch pins',
      [torch('==2.3.1'), torch('==2.2.0', 'uv.lock')],
      gpu,
      'E_TORCH_CONFLICT',
      'requirements.txt',
      1,
      [/torch ==2.3.1 \(requirements.txt:1/, /torch ==2.2.0 \(uv.lock/],
    ],
    [
      'two torch suffixes',
      [torch('==2.3.1+cu118'), torch('==2.3.1+cu121', 'requirements.txt:9')],
      gpu,
      'E_TORCH_CONFLICT',
      'requirements.txt',
      1,
      [/\+cu118 and \+cu121/],
    ],
    [
      'torchvision not matching torch',
      [torch('==2.3.1'), req('torchvision', '==0.17.0', 'requirements.txt:2')],
      gpu,
      'E_TORCH_COMPANION',
      'requirements.txt',
      1,
      [/torchvision ==0.17.0 \(requirements.txt:2/, /torch 2.3.1 ↔ torchvision 0.18.1/],
    ],
    ['missing +cu wheel', [torch('==2.3.1+cu124')], gpu, 'E_TORCH_VARIANT', 'requirements.txt', 1, [/no \+cu124 wheel; wheels for it: cu118, cu121/]],
    ['+cpu with gpu', [torch('==2.3.1+cpu')], gpu, 'E_TORCH_VARIANT', 'requirements.txt', 1, [/CPU-only wheel but gpu is on/]],
    [
      'cuda older than every torch wheel',
      [torch('==2.3.1'), cuda('11.7')],
      gpu,
      'E_CUDA_CONFLICT',
      'requirements.txt',
      1,
      [/torch ==2.3.1 \(requirements.txt:1/, /cuda 11.7 \(cog.yaml:5 build.cuda/, /cu118, cu121/],
    ],
    [
      'cuda major different from torch wheels',
      [torch('==2.11.0'), cuda('11.8')],
      gpu,
      'E_CUDA_CONFLICT',
      'requirements.txt',
      1,
      [/cu126, cu128, cu129, cu130/],
    ],
    ['cuda without image', [cuda('10.2')], gpu, 'E_CUDA_VERSION', 'cog.yaml', 5, [/no nvidia\/cuda cuDNN devel image/]],
    [
      'cuda vs TF major',
      [tf('==2.18.0'), cuda('11.8')],
      gpu,
      'E_CUDA_CONFLICT',
      'requirements.txt',
      2,
      [/tensorflow ==2.18.0 \(requirements.txt:2/, /cuda 11.8 \(cog.yaml:5/],
    ],
    ['cudnn vs TF', [tf('==2.18.0'), cudnn('8')], gpu, 'E_CUDNN_CONFLICT', 'requirements.txt', 2, [/tensorflow needs cuDNN 9/, /cudnn 8 \(cog.yaml:6/]],
    [
      "cudnn without image for any of torch's CUDAs",
      [torch('==2.11.0'), cudnn('8')],
      gpu,
      'E_CUDNN_CONFLICT',
      'requirements.txt',
      1,
      [/torch ==2.11.0 \(requirements.txt:1/, /cudnn 8 \(cog.yaml:6 build.cudnn/, /cu126 → cuDNN 9/],
    ],
    [
      "cudnn without image for the user's cuda",
      [cuda('12.4'), cudnn('8')],
      gpu,
      'E_CUDNN_CONFLICT',
      'cog.yaml',
      6,
      [/CUDA 12.4 ship only cuDNN 9/, /cuda 12.4 \(cog.yaml:5 build.cuda/],
    ],
    [
      'two cuda pins',
      [cuda('12.1'), cuda('12.4', 'cog.yaml:9 build.cuda')],
      gpu,
      'E_CUDA_CONFLICT',
      'cog.yaml',
      5,
      [/cuda 12.1 \(cog.yaml:5/, /cuda 12.4 \(cog.yaml:9/],
    ],
    ['unknown tensorflow', [tf('==2.3.0')], gpu, 'E_TF_VERSION', 'requirements.txt', 2, [/closest known: 2.4.0/]],
    [
      'package pins disagree',
      [req('numpy', '==1.26.0', 'requirements.txt:4'), req('numpy', '<1.25', 'uv.lock')],
      cpu,
      'E_PACKAGE_CONFLICT',
      'requirements.txt',
      4,
      [/numpy ==1.26.0 \(requirements.txt:4/, /numpy <1.25 \(uv.lock/],
    ],
    ['bad constraint syntax', [torch('=>2.1')], gpu, 'E_BAD_CONSTRAINT', 'requirements.txt', 1, [/cannot parse version constraint "=>2.1"/]],
  ])('%s', (_name, requests, opts, code, file, line, patterns) => {
    const err = failure(requests, opts);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe(code);
    expect(err.file).toBe(file);
    expect(err.line).toBe(line);
    expect(err.hint).toBeTruthy();
    for (const p of patterns) expect(err.message).toMatch(p);
    expect(err.toOneLine()).not.toContain('\n');
  });
});

describe("cogpack's own mistakes → InternalError (exit 70)", () => {
  test('a conflict among block defaults only', () => {
    const err = failure([py('3.11', 'default'), torch('==2.5.1', 'default'), torch('==2.3.1', 'default')]);
    expect(err).toBeInstanceOf(InternalError);
    expect(err.exitCode).toBe(70);
    expect(err.message).toMatch(/only cogpack defaults are involved/);
  });

  test('a malformed request from a block', () => {
    const bad = { kind: 'cuda', name: 'torch', constraint: '', source: 'x', requester: 'oops' } as DependencyRequest;
    expect(failure([bad])).toBeInstanceOf(InternalError);
    expect(failure([{ kind: 'gpu', name: 'x', constraint: '', source: 's', requester: 'b' } as unknown as DependencyRequest]).message).toMatch(
      /malformed at kind/,
    );
  });

  test('an unparseable default constraint', () => {
    expect(failure([torch('=>2.1', 'default')])).toBeInstanceOf(InternalError);
  });
});
