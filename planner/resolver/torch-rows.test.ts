import { loadResolverData } from '../data';
import { closestVersions, cudaFit, knownVersions, toVariant, usableVariants } from './torch-rows';

const data = loadResolverData();

test('toVariant reads the local tag, index and companions; PyPI-default rows get cu<CUDA> and no index', () => {
  const row = data.torch.find((r) => r.Torch === '2.3.1+cu121');
  expect(row && toVariant(row)).toEqual({
    version: '2.3.1',
    variant: 'cu121',
    cuda: '12.1',
    indexUrl: 'https://download.pytorch.org/whl/cu121',
    torchvision: '0.18.1',
    torchaudio: '2.3.1',
    pythons: ['3.10', '3.11', '3.12'],
  });
  const pypi = data.torch.find((r) => r.Torch === '2.0.1');
  expect(pypi && toVariant(pypi)).toMatchObject({ version: '2.0.1', variant: 'cu117', cuda: '11.7', indexUrl: '' });
});

test('usable GPU variants drop CUDA versions without an image (cu102); CPU variants are the +cpu rows', () => {
  const gpu = usableVariants(data.torch, data.cuda, true);
  expect(gpu.some((v) => v.variant === 'cu102')).toBe(false);
  expect(gpu.length).toBe(data.torch.filter((r) => r.CUDA && r.CUDA !== '10.2').length);
  const cpu = usableVariants(data.torch, data.cuda, false);
  expect(cpu.every((v) => v.variant === 'cpu' && v.cuda === null)).toBe(true);
  expect(cpu.length).toBe(knownVersions(data.torch).length);
});

test('knownVersions is newest first and numeric', () => {
  const known = knownVersions(data.torch);
  expect(known.slice(0, 3)).toEqual(['2.11.0', '2.10.0', '2.9.1']);
  expect(known[known.length - 1]).toBe('1.11.0');
});

test.each([
  ['2.3.5', ['2.3.1', '2.4.0']],
  ['9.9.9', ['2.11.0']],
  ['0.4.0', ['1.11.0']],
  ['2.10.1', ['2.10.0', '2.11.0']],
])('closestVersions(%s) = %j', (wanted, want) => {
  expect(closestVersions(knownVersions(data.torch), wanted)).toEqual(want);
});

test.each([
  ['2.3.1+cu121', { ranges: ['12.1'] }, 'exact'],
  ['2.3.1+cu121', { ranges: ['12.3'] }, 'compatible'],
  ['2.3.1+cu121', { ranges: ['11.8'] }, 'none'],
  ['2.3.1+cu121', { fixed: '12.2', ranges: [] }, 'compatible'],
  ['2.3.1+cu118', { fixed: '12.2', ranges: [] }, 'none'],
  ['2.5.1+cu124', { ranges: [], cudnnRanges: ['8'] }, 'none'],
  ['2.5.1+cu121', { ranges: [], cudnnRanges: ['8'] }, 'exact'],
])('cudaFit(%s, %j) = %s', (torch, target, want) => {
  const row = data.torch.find((r) => r.Torch === torch);
  expect(row && cudaFit(toVariant(row), target, data.cuda)).toBe(want);
});
