import { loadResolverData } from '../data';
import { ConfigError } from '../../src/errors';
import { normaliseAll, pep440Satisfies } from './constraints';
import { choosePython, minorSatisfies, probePatches, pythonCandidates } from './python';
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

/** The old exhaustive probe (every patch 0…40), the reference the boundary probes must agree with. */
const exhaustive = (minor: string, spec: string) => Array.from({ length: 41 }, (_, p) => p).some((p) => pep440Satisfies(`${minor}.${p}`, spec));

test('minorSatisfies probing only boundary patches agrees with probing every patch', () => {
  const specs = [
    '==3.11',
    '==3.11.*',
    '!=3.11.*',
    '==3.11.4',
    '===3.11.4',
    '===3.11',
    '!=3.11.4',
    '>3.11',
    '>3.11.0',
    '>=3.11.40',
    '<3.11.1',
    '<=3.11.0',
    '>3.11.40',
    '==3.11.41',
    '~=3.11.2',
    '~=3.10',
    '>=3.10.5,<3.11.3',
    '>3.11.2,<3.11.4,!=3.11.3',
    '>3.11.2,<3.11.3',
    '>=3.11.0rc1',
    '<3.11.0rc1',
    '<3.11.3.dev0',
    '>3.11.2.post1',
    '>3.11.2.5,<3.11.3',
    '==3.11.2.*',
    '>=3.011.2,<3.11.5',
    '==3.*',
    '<3',
    '>=2.7,!=3.0.*,!=3.11.*',
    '>=3.12.0a1',
  ];
  for (const minor of ['3.10', '3.11', '3.12', '3.13']) {
    for (const spec of specs) expect([minor, spec, minorSatisfies(minor, spec)]).toEqual([minor, spec, exhaustive(minor, spec)]);
  }
});

test('probePatches names only the boundaries, e.g. 5 checks instead of 41 for >3.11.2', () => {
  expect(probePatches('3.11', '>3.11.2')).toEqual([0, 1, 2, 3, 40]);
  expect(probePatches('3.10', '==3.11.*')).toEqual([0, 40]);
});
