import * as fs from 'fs';
import * as path from 'path';
import { resolve } from './index';
import { cuda, cudnn, options, py, req, tf, torch } from './testing/requests';

const gpu = options(true);
const cpu = options(false);

describe('cog worked results (cog-build-system.md §3)', () => {
  test.each([
    ['2.0.1', '11.8', '8', 'docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04', 'cu118'],
    ['2.1.0', '12.1', '8', 'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', 'cu121'],
    ['2.3.1', '12.1', '8', 'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04', 'cu121'],
    ['2.5.1', '12.4', '9', 'docker.io/nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04', 'cu124'],
    ['2.6.0', '12.6', '9', 'docker.io/nvidia/cuda:12.6.3-cudnn-devel-ubuntu24.04', 'cu126'],
    ['2.7.1', '12.8', '9', 'docker.io/nvidia/cuda:12.8.1-cudnn-devel-ubuntu24.04', 'cu128'],
    ['2.8.0', '12.9', '9', 'docker.io/nvidia/cuda:12.9.1-cudnn-devel-ubuntu24.04', 'cu129'],
    ['2.9.1', '13.0', '9', 'docker.io/nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04', 'cu130'],
    ['2.10.0', '13.0', '9', 'docker.io/nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04', 'cu130'],
    ['2.11.0', '13.0', '9', 'docker.io/nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04', 'cu130'],
  ])('torch==%s → CUDA %s, cuDNN %s, %s', (version, cudaVersion, cudnnVersion, image, variant) => {
    const r = resolve([py('3.11'), torch(`==${version}`)], gpu);
    expect(r.cuda).toEqual({ version: cudaVersion, cudnn: cudnnVersion });
    expect(r.baseImage.build).toBe(image);
    expect(r.baseImage.runtime).toBe(image);
    expect(r.frameworks.torch).toMatchObject({ version, variant, cuda: cudaVersion, index_url: `https://download.pytorch.org/whl/${variant}` });
    expect(r.warnings).toEqual([]);
  });
});

/** cog's rule re-derived from the raw JSON, independently of the resolver's modules. */
function cogRule(version: string): string {
  const raw = (f: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../data', f), 'utf8')).rows;
  const images: { Tag: string; CUDA: string; CuDNN: string; Ubuntu: string }[] = raw('cuda-compatibility.json');
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  const num = (v: string) => v.split('.').reduce((acc, p) => acc * 1000 + Number(p), 0);
  const cudas = raw('torch-compatibility.json')
    .filter((r: { Torch: string; CUDA: string | null }) => r.Torch.split('+')[0] === version && r.CUDA && images.some((i) => minor(i.CUDA) === r.CUDA))
    .map((r: { CUDA: string }) => r.CUDA)
    .sort((a: string, b: string) => num(b) - num(a));
  const forCuda = images.filter((i) => minor(i.CUDA) === cudas[0]);
  const cudnn = forCuda.map((i) => Number(i.CuDNN)).sort((a, b) => b - a)[0];
  const tag = forCuda.filter((i) => Number(i.CuDNN) === cudnn).sort((a, b) => num(b.CUDA) - num(a.CUDA) || num(b.Ubuntu) - num(a.Ubuntu))[0].Tag;
  return `docker.io/nvidia/cuda:${tag}`;
}

describe("every torch release in the data matches cog's rule re-derived from the JSON", () => {
  const versions: string[] = [
    ...new Set<string>(
      JSON.parse(fs.readFileSync(path.join(__dirname, '../data/torch-compatibility.json'), 'utf8')).rows.map((r: { Torch: string }) => r.Torch.split('+')[0]),
    ),
  ];
  test.each(versions)('torch==%s', (version) => {
    expect(resolve([torch(`==${version}`)], gpu).baseImage.build).toBe(cogRule(version));
  });
});

describe('ranges, suffixes, bare torch, CPU', () => {
  test.each([
    ['>=2.1,<2.3', '2.2.2', 'cu121'],
    ['>=2.1,<2.3,!=2.2.2', '2.2.1', 'cu121'],
    ['~=2.4.0', '2.4.1', 'cu124'],
    ['==2.5.*', '2.5.1', 'cu124'],
    ['<2.0', '1.13.1', 'cu117'],
    ['==2.3.1+cu118', '2.3.1', 'cu118'],
    ['==2.0.1+cu117', '2.0.1', 'cu117'],
    ['2.3.1', '2.3.1', 'cu121'],
  ])('torch %s on gpu → %s+%s', (constraint, version, variant) => {
    const r = resolve([torch(constraint)], gpu);
    expect(r.frameworks.torch).toMatchObject({ version, variant });
    expect(r.dependencies.torch.requested_version).toBe(constraint);
  });

  test('the PyPI-default cu117 wheel of 2.0.1 has no extra index and resolves to the bare version', () => {
    const r = resolve([torch('==2.0.1+cu117')], gpu);
    expect(r.frameworks.torch?.index_url).toBe('');
    expect(r.dependencies.torch.resolved_version).toBe('2.0.1');
    expect(r.baseImage.build).toBe('docker.io/nvidia/cuda:11.7.1-cudnn8-devel-ubuntu22.04');
  });

  test('bare torch with gpu resolves to the newest release that fits the python, recorded with a warning', () => {
    const r = resolve([py('3.12'), torch('')], gpu);
    expect(r.frameworks.torch).toMatchObject({ version: '2.11.0', variant: 'cu130' });
    expect(r.warnings.join('\n')).toMatch(/torch is not pinned \(requirements.txt:1\); resolved to 2\.11\.0\+cu130/);
    expect(r.dependencies.torch).toEqual({
      name: 'torch',
      provider: 'torch',
      requested_version: '',
      resolved_version: '2.11.0+cu130',
      source: 'requirements.txt:1',
    });
  });

  test('CPU → the cpu wheel index, python slim base, no cuda', () => {
    const r = resolve([py('3.11'), torch('==2.3.1'), req('torchvision', '', 'requirements.txt:2')], cpu);
    // the stage installs the companions the project names (torchvision), not torchaudio
    expect(r.frameworks).toEqual({
      torch: {
        version: '2.3.1',
        variant: 'cpu',
        packages: { torch: '2.3.1', torchvision: '0.18.1' },
        index_url: 'https://download.pytorch.org/whl/cpu',
        cuda: null,
        cudnn: null,
      },
    });
    expect(r.cuda).toBeUndefined();
    expect(r.baseImage).toEqual({
      build: 'docker.io/library/python:3.11-slim',
      runtime: 'docker.io/library/python:3.11-slim',
      packages: { python: '3.11', pip: 'bundled', os: 'debian' },
    });
    expect(r.dependencies.torchvision).toMatchObject({ resolved_version: '0.18.1', requested_version: '', source: 'requirements.txt:2' });
  });

  test('a +cu suffix with gpu off uses the CPU wheel and says so', () => {
    const r = resolve([torch('==2.3.1+cu121')], cpu);
    expect(r.frameworks.torch?.variant).toBe('cpu');
    expect(r.warnings).toEqual(['torch: requirements.txt:1 asks for the +cu121 wheel but gpu is off; using the CPU wheel']);
  });

  test('torchvision alone implies torch and picks the matching release', () => {
    const r = resolve([req('torchvision', '==0.16.0')], gpu);
    expect(r.frameworks.torch).toMatchObject({ version: '2.1.0', variant: 'cu121', packages: { torch: '2.1.0', torchvision: '0.16.0' } });
  });

  test('python narrows a torch range to a release that supports it', () => {
    expect(resolve([py('3.13'), torch('<2.7')], gpu).frameworks.torch?.version).toBe('2.6.0');
  });
});

describe('python', () => {
  test('no request → newest supported; default requests are preferences', () => {
    expect(resolve([], cpu).python).toBe('3.13');
    expect(resolve([py('3.11', 'default')], cpu).python).toBe('3.11');
    const r = resolve([py('3.13', 'default'), torch('==2.5.1')], gpu);
    expect(r.python).toBe('3.12');
    expect(r.warnings[0]).toMatch(/python: default 3.13 does not fit/);
  });

  test('requires-python range and cog.yaml pin intersect', () => {
    const r = resolve([py('>=3.10,<3.13', 'pyproject.toml:5 project.requires-python'), py('3.11')], cpu);
    expect(r.python).toBe('3.11');
    expect(r.dependencies.python).toEqual({
      name: 'python',
      provider: 'python-version',
      requested_version: '>=3.10,<3.13,3.11',
      resolved_version: '3.11',
      source: 'pyproject.toml:5 project.requires-python; cog.yaml:3 build.python_version',
    });
  });

  test('a patch pin resolves to the minor with a warning', () => {
    const r = resolve([py('3.11.4')], cpu);
    expect(r.python).toBe('3.11');
    expect(r.warnings).toEqual(['python: cog.yaml:3 build.python_version pins 3.11.4; the base image provides the newest 3.11 patch release']);
  });
});

describe('TensorFlow rows', () => {
  test.each([
    ['==2.12.0', '3.11', '11.8', '8', 'docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04'],
    ['==2.14.0', '3.11', '11.8', '8', 'docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04'],
    ['==2.15.0', '3.11', '12.2', '8', 'docker.io/nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04'],
    ['==2.18.0', '3.12', '12.5', '9', 'docker.io/nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04'],
    ['==2.21.0', '3.13', '12.5', '9', 'docker.io/nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04'],
    ['==2.10.0', '3.10', '11.2', '8', 'docker.io/nvidia/cuda:11.2.2-cudnn8-devel-ubuntu20.04'],
  ])('tensorflow %s → python %s, CUDA %s, cuDNN %s', (constraint, python, cudaVersion, cudnnVersion, image) => {
    const r = resolve([tf(constraint)], gpu);
    expect(r.python).toBe(python);
    expect(r.cuda).toEqual({ version: cudaVersion, cudnn: cudnnVersion });
    expect(r.baseImage.build).toBe(image);
    expect(r.frameworks.tensorflow).toMatchObject({ version: constraint.slice(2), packages: { tensorflow: constraint.slice(2) }, cuda: cudaVersion });
  });

  test('TF 2.16 was tested with cuDNN 8 but CUDA 12.3 images ship only cuDNN 9: fall back with a warning', () => {
    const r = resolve([tf('==2.16.1')], gpu);
    expect(r.frameworks.tensorflow).toMatchObject({ cuda: '12.3', cudnn: '8' });
    expect(r.cuda).toEqual({ version: '12.3', cudnn: '9' });
    expect(r.warnings).toEqual(["cudnn: no nvidia/cuda 12.3 image ships cuDNN 8 (tensorflow's tested version); using the cuDNN 9 image"]);
  });

  test("an unlisted patch release uses its minor's row", () => {
    const r = resolve([tf('==2.18.1')], gpu);
    expect(r.frameworks.tensorflow?.version).toBe('2.18.1');
    expect(r.cuda?.version).toBe('12.5');
    expect(r.warnings[0]).toMatch(/tensorflow 2.18.1 is not in cogpack's data; using the CUDA\/cuDNN of 2.18.0/);
  });

  test.each([
    ['tensorflow-cpu', false, 'tensorflow-cpu', []],
    ['tensorflow-cpu', true, 'tensorflow-cpu', [/asks for tensorflow-cpu in a GPU build/]],
    ['tensorflow-gpu', true, 'tensorflow', [/tensorflow-gpu, which TensorFlow stopped publishing; installing tensorflow/]],
  ])('%s with gpu=%s installs %s', (name, gpuOn, pkg, warns) => {
    const r = resolve([req(name, '==2.15.0', 'requirements.txt:2', 'tensorflow')], options(gpuOn as boolean));
    expect(Object.keys(r.frameworks.tensorflow?.packages ?? {})).toEqual([pkg]);
    expect(r.warnings).toHaveLength((warns as RegExp[]).length);
    (warns as RegExp[]).forEach((w, i) => expect(r.warnings[i]).toMatch(w));
    expect(r.dependencies[name].resolved_version).toBe('2.15.0');
  });

  test('TF on CPU: no CUDA, slim python base', () => {
    const r = resolve([tf('==2.18.0')], cpu);
    expect(r.frameworks).toEqual({
      tensorflow: { version: '2.18.0', variant: '', packages: { tensorflow: '2.18.0' }, index_url: '', cuda: null, cudnn: null },
    });
    expect(r.baseImage.build).toBe('docker.io/library/python:3.12-slim');
  });

  test("torch with TF follows TF's CUDA: the newest torch wheel not newer than it", () => {
    const r = resolve([tf('==2.15.0'), torch('==2.3.1')], gpu);
    expect(r.cuda?.version).toBe('12.2');
    expect(r.frameworks.torch).toMatchObject({ variant: 'cu121' });
    expect(r.warnings.join('\n')).toMatch(/torch 2.3.1 has no CUDA 12.2 wheel; using its \+cu121 wheel/);
  });

  test("a user cuda of the same major as TF's is kept with a warning (as cog)", () => {
    const r = resolve([tf('==2.18.0'), cuda('12.4')], gpu);
    expect(r.cuda).toEqual({ version: '12.4', cudnn: '9' });
    expect(r.warnings[0]).toMatch(/asks for CUDA 12.4 but tensorflow 2.18.0 was tested with 12.5/);
  });
});

describe('CUDA and cuDNN without a framework', () => {
  test('neither torch nor TF → CUDA 11.8 (cog default) with its highest cuDNN', () => {
    const r = resolve([], gpu);
    expect(r.cuda).toEqual({ version: '11.8', cudnn: '8' });
    expect(r.dependencies.cuda).toEqual({
      name: 'cuda',
      provider: 'resolver',
      requested_version: '',
      resolved_version: '11.8',
      source: "default (cog's CUDA when neither torch nor tensorflow decides)",
    });
  });

  test.each([
    ['12.4', 'docker.io/nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04'],
    ['12.1.0', 'docker.io/nvidia/cuda:12.1.0-cudnn8-devel-ubuntu22.04'],
    ['>=12.6,<13', 'docker.io/nvidia/cuda:12.9.1-cudnn-devel-ubuntu24.04'],
    ['13', 'docker.io/nvidia/cuda:13.2.1-cudnn-devel-ubuntu24.04'],
  ])('user cuda %s → %s', (constraint, image) => {
    expect(resolve([cuda(constraint)], gpu).baseImage.build).toBe(image);
  });

  test('cuda/cudnn with gpu off are ignored with a warning', () => {
    const r = resolve([cuda('12.1')], cpu);
    expect(r.cuda).toBeUndefined();
    expect(r.warnings).toEqual(['cuda/cudnn: ignored because gpu is off (cog.yaml:5 build.cuda)']);
  });

  test('user cuda 12.3 with torch 2.3.1: CUDA 12.3 base, cu121 wheel, explained', () => {
    const r = resolve([torch('==2.3.1'), cuda('12.3')], gpu);
    expect(r.cuda).toEqual({ version: '12.3', cudnn: '9' });
    expect(r.frameworks.torch?.variant).toBe('cu121');
    expect(r.warnings).toEqual([
      'torch 2.3.1 has no CUDA 12.3 wheel; using its +cu121 wheel on the CUDA 12.3 base asked for by cog.yaml:5 build.cuda (same CUDA major, so the wheel runs)',
    ]);
  });

  test('a user cudnn steers torch to a wheel whose CUDA has that cuDNN (cog would fail)', () => {
    const r = resolve([torch('==2.5.1'), cudnn('8')], gpu);
    expect(r.frameworks.torch?.variant).toBe('cu121');
    expect(r.baseImage.build).toBe('docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04');
  });

  test('a user cuda range with a cudnn picks the newest CUDA that has it', () => {
    expect(resolve([cuda('>=12'), cudnn('8')], gpu).baseImage.build).toBe('docker.io/nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04');
  });

  test("user cuda matching one of torch's wheels picks that wheel", () => {
    const r = resolve([torch('==2.3.1'), cuda('11.8')], gpu);
    expect(r.frameworks.torch?.variant).toBe('cu118');
    expect(r.baseImage.build).toBe('docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04');
    expect(r.warnings).toEqual([]);
  });
});

describe('image map', () => {
  test('the base image passes through the map', () => {
    const imageMap = {
      'docker.io/library/python:3.11-slim': 'cogpack.local/debian-python:bookworm',
      'docker.io/nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04': 'cogpack.local/cuda-standin:bookworm',
    };
    expect(resolve([py('3.11')], options(false, imageMap)).baseImage.build).toBe('cogpack.local/debian-python:bookworm');
    const g = resolve([py('3.11'), torch('==2.3.1')], options(true, imageMap));
    expect(g.baseImage).toEqual({
      build: 'cogpack.local/cuda-standin:bookworm',
      runtime: 'cogpack.local/cuda-standin:bookworm',
      packages: { cuda: '12.1.1', cudnn: '8', os: 'ubuntu22.04' },
    });
  });
});

describe('provenance and determinism', () => {
  test('every dependency records provider, requested, resolved and source; keys are sorted', () => {
    const r = resolve(
      [
        req('numpy', '>=1.26', 'requirements.txt:4', 'pip'),
        torch('==2.3.1'),
        py('3.11'),
        { kind: 'system', name: 'ffmpeg', constraint: '', source: 'cog.yaml:8 build.system_packages', requester: 'apt' },
      ],
      gpu,
    );
    expect(Object.keys(r.dependencies)).toEqual(['cuda', 'cudnn', 'numpy', 'python', 'system:ffmpeg', 'torch']);
    expect(r.dependencies.numpy).toEqual({
      name: 'numpy',
      provider: 'pip',
      requested_version: '>=1.26',
      resolved_version: '>=1.26',
      source: 'requirements.txt:4',
    });
    expect(r.dependencies['system:ffmpeg']).toEqual({
      name: 'ffmpeg',
      provider: 'apt',
      requested_version: '',
      resolved_version: '*',
      source: 'cog.yaml:8 build.system_packages',
    });
    expect(r.dependencies.cuda.source).toBe('chosen for torch 2.3.1+cu121 from requirements.txt:1');
    expect(r.dependencies.cudnn).toMatchObject({ resolved_version: '8', provider: 'resolver' });
  });

  test('same input → identical output', () => {
    const input = [py('3.11'), torch('>=2.1'), tf('==2.15.0')];
    expect(JSON.stringify(resolve(input, gpu))).toBe(JSON.stringify(resolve(input, gpu)));
  });
});
