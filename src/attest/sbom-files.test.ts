import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlanData } from '../../planner/plan-schema';
import type { FsStat } from '../buildkit/gateway/bridge';
import { localWeightFiles, toolkits, weightFiles, weightStages } from './sbom-files';
import type { Fs } from './sbom-read';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A solved layer holding `files` (path → content), answering ReadDir/ReadFile as the bridge does. */
function layer(files: Record<string, string>): Fs & { reads: string[] } {
  const reads: string[] = [];
  const missing = () => Object.assign(new Error('no such file or directory'), { code: 2 });
  const bridge = {
    solve: async () => 'r',
    async readFile(_ref: string, p: string, range?: { offset: number; length: number }) {
      reads.push(p);
      if (files[p] === undefined) throw missing();
      const b = Buffer.from(files[p]);
      return range ? b.subarray(range.offset, range.offset + range.length) : b;
    },
    async readDir(_ref: string, dir: string): Promise<FsStat[]> {
      const prefix = dir === '/' ? '/' : `${dir}/`;
      const kids = new Map<string, FsStat>();
      for (const [p, data] of Object.entries(files)) {
        if (!p.startsWith(prefix)) continue;
        const [name, ...rest] = p.slice(prefix.length).split('/');
        kids.set(name, rest.length ? { path: name, mode: 2 ** 31 + 0o755 } : { path: name, mode: 0o644, size: String(data.length) });
      }
      if (!kids.size) throw missing();
      return [...kids.values()];
    },
    statFile: async () => undefined,
  };
  return { bridge, ref: 'r', digest: 'd', reads };
}

const plan = {
  export_phases: [
    {
      name: 'weights',
      stages: [
        {
          id: 'weights:weights:checkpoints',
          provides: ['weights:checkpoints'],
          operations: [{ op: 'copy', from: { type: 'context', name: 'weights-checkpoints' }, src: '/checkpoints', dest: '/src/checkpoints' }],
        },
        { id: 'code:source', provides: ['code'], operations: [] },
      ],
    },
  ],
  contexts: { 'weights-checkpoints': { path: '.' } },
  base_image: { metadata: { packages: {} } },
  dependencies: {},
} as unknown as PlanData;

describe('weight files', () => {
  it('finds weight stages by what they provide', () => {
    expect(weightStages(plan)).toEqual(['weights:weights:checkpoints']);
  });

  it('hashes the project copy when it has the layer size, else reads the layer back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-w-'));
    fs.mkdirSync(path.join(dir, 'checkpoints'));
    fs.writeFileSync(path.join(dir, 'checkpoints', 'a.bin'), 'AAAA');
    fs.writeFileSync(path.join(dir, 'checkpoints', 'b.bin'), 'short'); // not the layer's size: not used
    const fsl = layer({ '/src/checkpoints/a.bin': 'AAAA', '/src/checkpoints/b.bin': 'BBBBBBBB', '/src/checkpoints/sub/c.bin': 'C' });
    const local = localWeightFiles(plan, dir);
    expect(local('/src/checkpoints/sub/c.bin')).toBe(path.join(dir, 'checkpoints/sub/c.bin'));
    expect(local('/elsewhere')).toBeUndefined();
    const files = await weightFiles([{ id: 'weights:weights:checkpoints', fs: fsl }], local, { COGPACK_CACHE_DIR: '' });
    expect(files).toEqual([
      { path: '/src/checkpoints/a.bin', size: 4, sha256: sha('AAAA'), layer: 'weights:weights:checkpoints' },
      { path: '/src/checkpoints/b.bin', size: 8, sha256: sha('BBBBBBBB'), layer: 'weights:weights:checkpoints' },
      { path: '/src/checkpoints/sub/c.bin', size: 1, sha256: sha('C'), layer: 'weights:weights:checkpoints' },
    ]);
    expect(fsl.reads).toEqual(['/src/checkpoints/b.bin', '/src/checkpoints/sub/c.bin']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('toolkits', () => {
  it('CUDA from version.json in the first layer that has it, cuDNN from its deb', async () => {
    const base = layer({ '/usr/local/cuda/version.json': JSON.stringify({ cuda: { name: 'CUDA SDK', version: '12.1.1' } }) });
    const kits = await toolkits(
      plan,
      [{ id: 'base', fs: base }],
      Promise.resolve([{ pkg: { name: 'libcudnn8', version: '8.9.0.131-1+cuda12.1', architecture: 'amd64' }, layer: 'base' }]),
    );
    expect(kits).toEqual([
      { name: 'cuda', version: '12.1.1', source: '/usr/local/cuda/version.json', layer: 'base' },
      { name: 'cudnn', version: '8.9.0.131-1+cuda12.1', source: 'deb package libcudnn8', layer: 'base' },
    ]);
  });

  it('falls back to the plan, and says so; none for an image without CUDA', async () => {
    const gpu = { ...plan, base_image: { metadata: { packages: { cuda: '11.8', cudnn: '8' } } } } as unknown as PlanData;
    expect(await toolkits(gpu, [{ id: 'base', fs: layer({ '/x': '' }) }], Promise.resolve([]))).toEqual([
      { name: 'cuda', version: '11.8', source: 'the plan (base image metadata / resolver)', layer: 'base' },
      { name: 'cudnn', version: '8', source: 'the plan (base image metadata / resolver)', layer: 'base' },
    ]);
    expect(await toolkits(plan, [{ id: 'base', fs: layer({ '/x': '' }) }], Promise.resolve([]))).toEqual([]);
  });
});
