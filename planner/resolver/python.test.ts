import { loadResolverData } from '../data';
import { ConfigError } from '../../src/errors';
import { normaliseAll } from './constraints';
import { choosePython, minorSatisfies, pythonCandidates } from './python';
import { py } from './testing/requests';

const data = loadResolverData().python;
const items = (...reqs: ReturnType<typeof py>[]) => normaliseAll(reqs, 'pep440');

test.each([
  ['3.11', '==3.11', true],
  ['3.11', '==3.11.4', true],
  ['3.11', '>3.11', true],
  ['3.11', '>=3.12', false],
  ['3.12', '~=3.10', true],
  ['3.13', '<3.13', false],
])('minorSatisfies(%s, %s) = %s', (minor, spec, want) => {
  expect(minorSatisfies(minor, spec)).toBe(want);
});

test.each([
  [[], ['3.10', '3.11', '3.12', '3.13']],
  [[py('>=3.11')], ['3.11', '3.12', '3.13']],
  [[py('>=3.9,<3.12')], ['3.10', '3.11']],
  [[py('3.12', 'default')], ['3.10', '3.11', '3.12', '3.13']],
])('candidates for %j', (reqs, want) => {
  expect(pythonCandidates(items(...reqs), data)).toEqual(want);
});

test('an unsupported version fails with its reason and the supported list', () => {
  expect(() => pythonCandidates(items(py('3.9')), data)).toThrow(ConfigError);
  expect(() => pythonCandidates(items(py('3.9')), data)).toThrow(/3.9 reached end of life/);
  expect(() => pythonCandidates(items(py('>=4')), data)).toThrow(/matches none of the supported versions 3.10, 3.11, 3.12, 3.13/);
});

test('choosePython prefers defaults that fit, else the newest with a warning', () => {
  const warnings: string[] = [];
  expect(choosePython(['3.10', '3.11', '3.12'], items(py('3.11', 'default')), warnings)).toBe('3.11');
  expect(warnings).toEqual([]);
  expect(choosePython(['3.10', '3.11', '3.12'], items(py('3.13', 'default')), warnings)).toBe('3.12');
  expect(warnings).toHaveLength(1);
});
