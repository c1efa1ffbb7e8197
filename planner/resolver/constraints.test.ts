import {
  compareDotted,
  exactPin,
  explainShortfall,
  joinConstraints,
  normalisePep440,
  normaliseSemverish,
  pep440Satisfies,
  semverishSatisfies,
  splitLocal,
} from './constraints';
import { req } from './testing/requests';

describe('PEP 440 constraints', () => {
  test.each([
    ['', ''],
    ['*', ''],
    ['3.11', '==3.11'],
    ['v2.3.1', '==2.3.1'],
    ['2.3.1+cu121', '==2.3.1+cu121'],
    ['>= 2.1, < 2.3', '>=2.1,<2.3'],
    ['~=3.10', '~=3.10'],
    ['==3.11.*', '==3.11.*'],
  ])('normalisePep440(%j) = %j', (input, want) => {
    expect(normalisePep440(input)).toBe(want);
  });

  test.each(['=>2.1', '==', 'latest', '>=2.1;<3'])('normalisePep440(%j) is invalid', (input) => {
    expect(normalisePep440(input)).toBeNull();
  });

  test.each([
    ['==2.3.1+cu121', { spec: '==2.3.1', local: 'cu121' }],
    ['==2.3.1+CPU', { spec: '==2.3.1', local: 'cpu' }],
    ['>=2.1,<2.3', { spec: '>=2.1,<2.3', local: undefined }],
    ['', { spec: '', local: undefined }],
  ])('splitLocal(%j)', (spec, want) => {
    expect(splitLocal(spec)).toEqual(want);
  });

  test.each([
    ['2.2.2', '>=2.1,<2.3', true],
    ['2.3.0', '>=2.1,<2.3', false],
    ['2.3.1+cu121', '==2.3.1', true],
    ['3.11.4', '==3.11.*', true],
    ['1.0', '', true],
  ])('pep440Satisfies(%s, %s) = %s', (v, spec, want) => {
    expect(pep440Satisfies(v, spec)).toBe(want);
  });

  test.each([
    ['==2.3.1', '2.3.1'],
    ['===2.3.1', '2.3.1'],
    ['==2.3.*', undefined],
    ['>=2.1', undefined],
    ['==2.1,<3', undefined],
  ])('exactPin(%j) = %j', (spec, want) => {
    expect(exactPin(spec)).toBe(want);
  });
});

describe('semver-style CUDA/cuDNN constraints', () => {
  test.each([
    ['12.1', '12.1'],
    ['==12.1', '=12.1'],
    ['>=11.8, <13', '>=11.8 <13'],
    ['', ''],
  ])('normaliseSemverish(%j) = %j', (input, want) => {
    expect(normaliseSemverish(input)).toBe(want);
  });

  test('invalid CUDA constraints are rejected', () => {
    expect(normaliseSemverish('twelve')).toBeNull();
  });

  test.each([
    ['12.1.1', '12.1', true],
    ['12.1', '12.1', true],
    ['12.2', '12.1', false],
    ['12.1.0', '=12.1.1', false],
    ['9', '8', false],
    ['8', '>=8', true],
    ['13.0', '>=11.8 <13', false],
  ])('semverishSatisfies(%s, %s) = %s', (v, range, want) => {
    expect(semverishSatisfies(v, range)).toBe(want);
  });
});

describe('explainShortfall names what cannot agree', () => {
  const ok = (n: number, c: { min: number; max: number }) => n >= c.min && n <= c.max;
  const cands = [1, 2, 3, 4, 5];
  test('a constraint nothing meets', () => {
    const bad = { min: 9, max: 10 };
    expect(explainShortfall(cands, [{ min: 1, max: 5 }, bad], ok)).toEqual({ kind: 'unmatched', item: bad });
  });
  test('the first pair that never overlaps', () => {
    const a = { min: 1, max: 2 };
    const b = { min: 2, max: 3 };
    const c = { min: 4, max: 5 };
    expect(explainShortfall(cands, [a, b, c], ok)).toEqual({ kind: 'pair', a, b: c });
  });
  test('every pair agrees but all three do not', () => {
    const ok2 = (n: number, s: number[]) => s.includes(n);
    const items = [
      [1, 2],
      [2, 3],
      [1, 3],
    ];
    expect(explainShortfall([1, 2, 3], items, ok2)).toEqual({ kind: 'all', items });
  });
});

test('joinConstraints keeps distinct non-empty constraints in order', () => {
  expect(joinConstraints([req('x', '>=1'), req('x', ''), req('x', '>=1'), req('x', '<2')])).toBe('>=1,<2');
});

test('compareDotted orders numerically', () => {
  expect(['3.9', '3.10', '3.13', '3.11'].sort(compareDotted)).toEqual(['3.9', '3.10', '3.11', '3.13']);
  expect(compareDotted('12.1', '12.1.0')).toBe(0);
});
