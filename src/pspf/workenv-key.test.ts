import { bytesSlot, pkg } from './testing/packages';
import { readPackage } from './reader';
import { packageNameProblem, workenvKey } from './workenv-key';

describe('package names as workenv keys', () => {
  test.each(['app', 'hello-app', 'A_b.c+1', '_x', '9', 'n'.repeat(128)])('%j is taken', (name) => {
    expect(packageNameProblem(name)).toBeUndefined();
  });

  test.each([
    ['', 'it is empty'],
    ['.', 'it starts with ".", "-" or "+"'],
    ['..', 'it starts with ".", "-" or "+"'],
    ['-x', 'it starts with ".", "-" or "+"'],
    ['a/b', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['a\0b', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['ä', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['n'.repeat(129), 'it is longer than 128 bytes'],
  ])('%j is refused: %s', (name, why) => {
    expect(packageNameProblem(name)).toBe(why);
  });

  test('the writer refuses an unsafe name with one line and a fix', () => {
    const attempt = (): Buffer =>
      pkg([bytesSlot('a', 'x')], { metadata: { package: { name: '../up', version: '1' }, execution: { primary_slot: 0, command: 'x' } } });
    expect(attempt).toThrow(/^package name "\.\.\/up" cannot name a work environment: it starts with "\.", "-" or "\+"$/);
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_PSPF_PACKAGE_NAME', hint: expect.stringContaining('letters, digits') }));
  });

  test('the key is the name and a digest of the signed metadata: different contents, different keys', () => {
    const a = readPackage(pkg([bytesSlot('a', 'one')]));
    const b = readPackage(pkg([bytesSlot('a', 'two')]));
    expect(workenvKey('test', a.metadataJson)).toMatch(/^test-[0-9a-f]{16}$/);
    expect(workenvKey('test', a.metadataJson)).toBe(workenvKey('test', readPackage(pkg([bytesSlot('a', 'one')])).metadataJson));
    expect(workenvKey('test', a.metadataJson)).not.toBe(workenvKey('test', b.metadataJson));
  });
});
