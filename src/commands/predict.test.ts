import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../cli';
import { defaultTag, isProjectDir } from './predict';

describe('cogpack predict target', () => {
  it('a directory is a project, a path that does not exist is an error, anything else an image reference', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'My Model_'));
    expect(isProjectDir(dir)).toBe(true);
    expect(() => isProjectDir('./no/such/dir')).toThrow(expect.objectContaining({ code: 'E_PROJECT_DIR', exitCode: 2 }));
    expect(isProjectDir('r8.im/user/model:latest')).toBe(false);
    expect(defaultTag(dir)).toMatch(/^cogpack-my-model_\w+$/);
    fs.rmSync(dir, { recursive: true });
  });

  it('without Docker: one line and exit 3, after the -i flags were checked (a bad one is exit 64 first)', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => chunks.push(String(s)) > 0);
    try {
      process.exitCode = 0;
      await main(['node', 'cogpack', 'predict', 'some-image:1', '-i', 'novalue']);
      expect(process.exitCode).toBe(64);
      await main(['node', 'cogpack', 'predict', 'some-image:1', '-i', 'a=b']);
      expect(process.exitCode).toBe(3);
      expect(chunks.filter((l) => l.startsWith('cogpack: error:'))[1]).toMatch(/Docker did not answer .*\[E_DOCKER_UNREACHABLE\]/);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
