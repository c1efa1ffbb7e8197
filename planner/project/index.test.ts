import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProject } from '.';

/** A cog project with `files` (path → size in MiB, or text) written into it. */
function project(files: Record<string, number | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-project-'));
  fs.writeFileSync(path.join(dir, 'cog.yaml'), 'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\nrun: "predict.py:Predictor"\n');
  fs.writeFileSync(path.join(dir, 'predict.py'), 'x = 1\n');
  for (const [f, v] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), typeof v === 'string' ? v : Buffer.alloc(v << 20));
  }
  return dir;
}

describe('weights detection by size', () => {
  it('skips wheels/sdists pip installs (local requirement paths, archives in a local --find-links dir)', () => {
    const dir = project({
      'requirements.txt': '--find-links ./wheels\ntorch==2.1.0\n./vendor/big-1.0.tar.gz\n',
      'wheels/torch-2.1.0-py3-none-any.whl': 11,
      'vendor/big-1.0.tar.gz': 11,
      'wheels/model.bin': 11,
      'checkpoint.pt': 11,
    });
    expect(loadProject(dir).weights.map((w) => w.path)).toEqual(['checkpoint.pt', 'wheels/model.bin']);
  });

  it('keeps a large wheel that no requirement uses as a detected weights file', () => {
    const dir = project({ 'requirements.txt': 'six\n', 'dist/unused-1.0-py3-none-any.whl': 11 });
    expect(loadProject(dir).weights.map((w) => w.path)).toEqual(['dist/unused-1.0-py3-none-any.whl']);
  });
});
