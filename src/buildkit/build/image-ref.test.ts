import { checkImageRefs, imageRefProblem } from './image-ref';

describe('imageRefProblem', () => {
  it.each([
    'my-model',
    'my_model:1.0',
    'a/b/c:latest',
    'localhost:5000/x/y:tag',
    '127.0.0.1:5000/m',
    `m@sha256:${'a'.repeat(64)}`,
    'cogpack.local/debian-python:bookworm',
  ])('accepts %s', (ref) => expect(imageRefProblem(ref)).toBeUndefined());

  it.each([
    ['Bad Tag::x', 'not [HOST'],
    ['MyModel', 'lowercase'],
    ['a::b', 'not [HOST'],
    ['', 'empty'],
    ['x:' + 't'.repeat(129), 'not [HOST'],
    ['-leading', 'not [HOST'],
    ['a'.repeat(256), 'longer than 255'],
  ])('refuses %j', (ref, why) => expect(imageRefProblem(ref)).toContain(why));

  it('throws a usage error naming the flag', () => {
    expect(() => checkImageRefs(['ok', 'Bad Tag::x'], '-t')).toThrow(
      expect.objectContaining({ code: 'E_IMAGE_NAME', exitCode: 64, message: expect.stringContaining('-t "Bad Tag::x"') }),
    );
  });
});
