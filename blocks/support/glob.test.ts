import { compilePatterns, isMatched } from '../../src/fsutil/patterns';
import { literalGlob } from './glob';

describe('literalGlob', () => {
  it('wraps *, ? and [ in a class and leaves other paths alone', () => {
    expect(literalGlob('models/x*.bin')).toBe('models/x[*].bin');
    expect(literalGlob('w[1].bin')).toBe('w[[]1].bin');
    expect(literalGlob('a?b')).toBe('a[?]b');
    expect(literalGlob('models/UNet v2.bin')).toBe('models/UNet v2.bin');
  });

  it("matches exactly the named file in the session's pattern matcher", () => {
    const only = (p: string) => compilePatterns([literalGlob(p)]);
    expect(isMatched(only('models/x*.bin'), 'models/x*.bin')).toBe(true);
    expect(isMatched(only('models/x*.bin'), 'models/xy.bin')).toBe(false);
    expect(isMatched(only('w[1].bin'), 'w[1].bin')).toBe(true);
    expect(isMatched(only('w[1].bin'), 'w1.bin')).toBe(false);
  });
});
