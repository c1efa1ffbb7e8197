import { loadResolverData } from '../data';
import { cudaMinor, cudaMinorsWithImages, cudnnMajorsFor, minorMeets, pickCudaImage } from './cuda';

const rows = loadResolverData().cuda;

test('minors with images span 11.0 → 13.2, none for 10.x or 12.7', () => {
  const minors = cudaMinorsWithImages(rows);
  expect(minors[0]).toBe('11.0');
  expect(minors[minors.length - 1]).toBe('13.2');
  expect(minors).not.toContain('12.7');
  expect(cudaMinor('12.1.1')).toBe('12.1');
});

test.each([
  ['11.8', ['8']],
  ['12.3', ['9']],
  ['12.2', ['8']],
  ['13.0', ['9']],
  ['10.2', []],
])('cuDNN majors with an image for CUDA %s: %j', (minor, want) => {
  expect(cudnnMajorsFor(rows, minor)).toEqual(want);
});

test.each([
  ['11.8', '8', [], '11.8.0-cudnn8-devel-ubuntu22.04'],
  ['12.1', '8', [], '12.1.1-cudnn8-devel-ubuntu22.04'],
  ['12.1', '8', ['=12.1.0'], '12.1.0-cudnn8-devel-ubuntu22.04'],
  ['12.6', '9', [], '12.6.3-cudnn-devel-ubuntu24.04'],
  ['11.3', '8', [], '11.3.1-cudnn8-devel-ubuntu20.04'],
])('pickCudaImage(%s, cudnn %s, %j) = %s (newest patch, then newest Ubuntu)', (minor, cudnn, ranges, tag) => {
  expect(pickCudaImage(rows, minor, cudnn, ranges)?.Tag).toBe(tag);
});

test('no image for a missing pair', () => {
  expect(pickCudaImage(rows, '12.3', '8')).toBeUndefined();
});

test('minorMeets accepts a patch-level range when an image of that patch exists', () => {
  expect(minorMeets(rows, '12.1', '>=12.1.1')).toBe(true);
  expect(minorMeets(rows, '12.1', '>=12.1.5')).toBe(false);
  expect(minorMeets(rows, '12.4', '12')).toBe(true);
});
