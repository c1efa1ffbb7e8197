import { compilePatterns, isMatched, mayMatchBelow } from './patterns';

const m = (patterns: string[], p: string): boolean => isMatched(compilePatterns(patterns), p);

describe('dockerignore patterns', () => {
  it.each([
    [['*.pyc'], 'x.pyc', true],
    [['*.pyc'], 'pkg/x.pyc', false], // anchored at the root, unlike .gitignore
    [['**/*.pyc'], 'pkg/sub/x.pyc', true],
    [['**/*.pyc'], 'x.pyc', true],
    [['build'], 'build/lib/a.so', true], // a parent match excludes the subtree
    [['/build/'], 'build', true],
    [['./build'], 'build/x', true],
    [['a/*/c'], 'a/b/c', true],
    [['a/*/c'], 'a/b/x/c', false],
    [['a/**/c'], 'a/b/x/c', true],
    [['a/**'], 'a/b', true],
    [['a?c'], 'abc', true],
    [['a?c'], 'a/c', false],
    [['[a-c].txt'], 'b.txt', true],
    [['[^a-c].txt'], 'b.txt', false],
    [['file.txt'], 'fileXtxt', false], // the dot is literal
    [['*', '!keep'], 'keep', false],
    [['*', '!keep'], 'other', true],
    [['data', '!data/keep.txt'], 'data/keep.txt', false],
    [['data', '!data/keep.txt'], 'data/drop.txt', true],
    [['!data', 'data'], 'data/x', true], // the last matching pattern wins
    [['# comment', ''], 'anything', false],
  ])('%j matches %s: %s', (patterns, p, expected) => {
    expect(m(patterns, p)).toBe(expected);
  });

  it('knows whether a pattern can match below a directory', () => {
    const [keep, star, deep] = compilePatterns(['!data/keep.txt', 'x/*/y', '**/z']);
    expect(mayMatchBelow(keep, 'data')).toBe(true);
    expect(mayMatchBelow(keep, 'other')).toBe(false);
    expect(mayMatchBelow(keep, 'data/keep.txt')).toBe(false);
    expect(mayMatchBelow(star, 'x/q')).toBe(true);
    expect(mayMatchBelow(deep, 'any/where')).toBe(true);
  });
});
