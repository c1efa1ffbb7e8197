import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, type CogpackError } from './errors';
import { readFlagFile, readRegularFile, SIZE_CAPS, type ReadPolicy } from './regular-file';
import { readSecretFile } from './buildkit/session/secrets';

const policy = (kind: ReadPolicy['kind']): ReadPolicy => ({ kind, what: 'the file', fail: (code, message, hint) => new ConfigError(code, message, { hint }) });

function thrown(f: () => unknown): CogpackError {
  try {
    f();
  } catch (e) {
    return e as CogpackError;
  }
  throw new Error('expected an error');
}

describe('readRegularFile', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-regular-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file, through a symlink too', () => {
    fs.writeFileSync(path.join(dir, 'a'), 'hello');
    fs.symlinkSync('a', path.join(dir, 'l'));
    expect(readRegularFile(path.join(dir, 'l'), policy('project-text')).toString()).toBe('hello');
  });

  it('refuses a FIFO at once instead of blocking on it', () => {
    execFileSync('mkfifo', [path.join(dir, 'p')]);
    const e = thrown(() => readRegularFile(path.join(dir, 'p'), policy('project-text')));
    expect([e.code, e.exitCode, e.message]).toEqual(['E_NOT_REGULAR_FILE', 2, 'the file is a named pipe (FIFO), not a regular file']);
  });

  it('refuses a character device (reads would never end) and a directory', () => {
    expect(thrown(() => readRegularFile('/dev/zero', policy('secret'))).code).toBe('E_NOT_REGULAR_FILE');
    expect(thrown(() => readRegularFile(dir, policy('secret'))).code).toBe('E_NOT_A_FILE');
  });

  it("refuses a file over its kind's cap and accepts one at the cap", () => {
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(SIZE_CAPS['python-version'] + 1));
    expect(thrown(() => readRegularFile(path.join(dir, 'big'), policy('python-version'))).code).toBe('E_FILE_TOO_LARGE');
    fs.writeFileSync(path.join(dir, 'cap'), Buffer.alloc(SIZE_CAPS['python-version']));
    expect(readRegularFile(path.join(dir, 'cap'), policy('python-version')).length).toBe(SIZE_CAPS['python-version']);
  });

  it('names a missing file as a usage error when it came from a flag', () => {
    const e = thrown(() => readFlagFile(path.join(dir, 'nope.pem'), 'key', '--private-key'));
    expect([e.code, e.exitCode]).toEqual(['E_FILE_MISSING', 64]);
    expect(e.message).toContain('--private-key');
  });

  it("caps a secret file at BuildKit's 500 KiB limit", () => {
    fs.writeFileSync(path.join(dir, 's'), Buffer.alloc(500 * 1024 + 1));
    const e = thrown(() => readSecretFile({ id: 'tok', src: path.join(dir, 's') }));
    expect([e.code, e.exitCode]).toEqual(['E_SECRET_TOO_LARGE', 64]);
    expect(thrown(() => readSecretFile({ id: 'tok', src: '/dev/zero' })).code).toBe('E_SECRET_SOURCE');
  });
});
