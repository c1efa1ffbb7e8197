import * as path from 'node:path';
import { LlbBridge } from '../buildkit/gateway/bridge';
import { DirTransport, warm } from './warm';

const TESTDATA = path.resolve(__dirname, '..', '..', 'testdata');

describe('code-cache warming', () => {
  it('runs the whole frontend on sample projects without an error', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await warm(['cpu-minimal', 'pyproject-app', 'weights'].map((f) => path.join(TESTDATA, f)))).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('reports a project the frontend refuses, with its one-line error', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const errors = await warm([path.join(TESTDATA, 'errors', 'python-2.7')]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^python-2\.7: cogpack: error: cog\.yaml:\d+: .*2\.7/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('DirTransport serves a directory level by level with Go file modes', async () => {
    const bridge = new LlbBridge(new DirTransport(path.join(TESTDATA, 'weights')));
    const top = await bridge.readDir('ref-1', '/');
    expect(top.find((e) => e.path === 'checkpoints')?.mode).toBeGreaterThanOrEqual(2 ** 31);
    expect(top.find((e) => e.path === 'cog.yaml')?.size).toMatch(/^\d+$/);
    expect((await bridge.readFile('ref-1', 'cog.yaml')).toString()).toContain('weights');
  });
});
