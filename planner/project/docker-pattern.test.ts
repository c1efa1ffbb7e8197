import { dockerPatternProblem } from './docker-pattern';

describe('dockerPatternProblem: what docker refuses in .dockerignore (Go filepath.Match, then Go regexp)', () => {
  it.each([
    ['data[0-9', 'never closed'],
    ['[', 'never closed'],
    ['a[b', 'never closed'],
    ['[]a]', 'cannot start a range'],
    ['[a-]', 'cannot start a range'],
    ['[-a]', 'cannot start a range'],
    ['[^]', 'cannot start a range'],
    ['[z-a].txt', 'reversed'],
    ['trailing\\', 'ends in "\\"'],
    ['[a\\', 'ends in "\\"'],
    ['\\y', 'not an escape'],
    ['[\\q]', 'not an escape'],
    ['!', '"!" alone'],
    ['! ', '"!" alone'],
  ])('%s is refused (%s)', (pattern, why) => {
    expect(dockerPatternProblem(pattern.trim() || pattern)).toContain(why);
  });

  it.each(['*.pyc', '**/__pycache__', '!keep.txt', 'data[0-9]', 'x[!a]', '[[]', 'a]b', '\\[literal\\]', '\\*', 'data/[a-z]*.bin', '[\\]]', 'f\\d', 'ü[ä-ö]'])(
    '%s is accepted',
    (pattern) => {
      expect(dockerPatternProblem(pattern)).toBeUndefined();
    },
  );
});
