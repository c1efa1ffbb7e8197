import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { loadResolverData, dataProvenance, validateResolverData } from './index';
import { BaseImagesSchema, CudaRowSchema, parseDataFile, PythonVersionsSchema, TfRowSchema, TorchRowSchema } from './schemas';
import { InternalError } from '../../src/errors';

const read = (f: string) => JSON.parse(fs.readFileSync(path.join(__dirname, f), 'utf8'));

describe('resolver data files', () => {
  test.each([
    ['torch-compatibility.json', TorchRowSchema, 96],
    ['cuda-compatibility.json', CudaRowSchema, 83],
    ['tf-compatibility.json', TfRowSchema, 18],
  ])('%s validates and keeps its provenance', (file, row, count) => {
    const json = read(file);
    const parsed = z
      .object({ provenance: z.object({ source: z.string(), license: z.string(), via: z.string(), file: z.string() }), rows: z.array(row) })
      .parse(json);
    expect(parsed.rows).toHaveLength(count);
    expect(parsed.provenance).toMatchObject({ source: 'Replicate cog pkg/config at 6110c912 (2026-08-21)', license: 'Apache-2.0', via: '../shared/compat' });
  });

  test('base-images.json and python-versions.json validate', () => {
    expect(BaseImagesSchema.parse(read('base-images.json')).cpu.repository).toBe('docker.io/library/python');
    const py = PythonVersionsSchema.parse(read('python-versions.json'));
    expect(py.supported).toEqual(['3.10', '3.11', '3.12', '3.13']);
    for (const v of ['2.7', '3.8', '3.9']) expect(py.unsupported[v]).toMatch(/end of life/);
  });

  test('validateResolverData parses every file and equals the data the resolver uses', () => {
    const validated = validateResolverData();
    expect(validated).toEqual(loadResolverData());
    expect(loadResolverData({ COGPACK_VALIDATE_DATA: '1' })).toEqual(validated);
  });

  test('the rows are the upstream rows, unchanged (when ../shared/compat is present)', () => {
    const shared = path.resolve(__dirname, '../../../shared/compat');
    if (!fs.existsSync(shared)) return; // only the development machine has the upstream copy
    for (const [ours, theirs] of [
      ['torch-compatibility.json', 'torch_compatibility.json'],
      ['cuda-compatibility.json', 'cuda_compatibility.json'],
      ['tf-compatibility.json', 'tf_compatibility.json'],
    ]) {
      expect(read(ours).rows).toEqual(JSON.parse(fs.readFileSync(path.join(shared, theirs), 'utf8')));
    }
  });

  test('every GPU torch row but cu102 has an nvidia/cuda image for its CUDA', () => {
    const data = loadResolverData();
    const minors = new Set(data.cuda.map((r) => r.CUDA.split('.').slice(0, 2).join('.')));
    const missing = [...new Set(data.torch.filter((r) => r.CUDA && !minors.has(r.CUDA)).map((r) => r.CUDA))];
    expect(missing).toEqual(['10.2']);
  });

  test("a broken data file is cogpack's fault (InternalError naming the file and field)", () => {
    const bad = { provenance: read('tf-compatibility.json').provenance, rows: [{ TF: 'x' }] };
    const schema = z.object({ provenance: z.any(), rows: z.array(TfRowSchema) });
    expect(() => parseDataFile(schema, bad, 'tf-compatibility.json')).toThrow(InternalError);
    expect(() => parseDataFile(schema, bad, 'tf-compatibility.json')).toThrow(/tf-compatibility\.json is invalid at rows\.0\.TF/);
  });

  test('provenance lines name the upstream files', () => {
    expect(dataProvenance()).toEqual([
      'pkg/config/torch_compatibility.json: Replicate cog pkg/config at 6110c912 (2026-08-21), Apache-2.0',
      'pkg/config/cuda_compatibility.json: Replicate cog pkg/config at 6110c912 (2026-08-21), Apache-2.0',
      'pkg/config/tf_compatibility.json: Replicate cog pkg/config at 6110c912 (2026-08-21), Apache-2.0',
    ]);
  });
});
