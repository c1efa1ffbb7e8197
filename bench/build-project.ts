/** The benchmark's model project (apt packages, a 200 MB torch stand-in wheel, ordinary requirements) and its edits. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWheel } from '../src/testing/wheel';

export type EditKind = 'code' | 'requirements' | 'apt';

export interface BenchProjectOptions {
  /** Size of the torch stand-in wheel's incompressible payload. */
  torchBytes: number;
}

const SMALL = ['bench-tokenizer', 'bench-utils', 'bench-schema', 'bench-extra'];

/** Writes the wheels once (they are deterministic, so an existing file is the same file). */
export function writeWheels(wheelsDir: string, opts: BenchProjectOptions): void {
  const torchFile = path.join(wheelsDir, 'torch-2.1.0-py3-none-any.whl');
  if (!fs.existsSync(torchFile) || fs.statSync(torchFile).size < opts.torchBytes) {
    buildWheel(wheelsDir, {
      name: 'torch',
      version: '2.1.0',
      files: { 'torch/__init__.py': '__version__ = "2.1.0"\n# a stand-in: the real wheel is unreachable offline\n' },
      sizeBytes: opts.torchBytes,
    });
  }
  for (const name of SMALL) {
    buildWheel(wheelsDir, { name, version: '1.0', sizeBytes: 256 << 10 });
  }
}

const PREDICT = `class Predictor:
    def setup(self):
        import torch, bench_tokenizer, bench_utils
        self.version = torch.__version__

    def predict(self, text: str = "hi") -> str:
        return f"{text} from torch {self.version}"
`;

/** Resets `dir` to the benchmark's starting project; `wheelsSrc` is copied in by hard link (no 200 MB copy). */
export function writeProject(dir: string, wheelsSrc: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'wheels'), { recursive: true });
  for (const f of fs.readdirSync(wheelsSrc)) fs.linkSync(path.join(wheelsSrc, f), path.join(dir, 'wheels', f));
  fs.writeFileSync(
    path.join(dir, 'cog.yaml'),
    ['build:', '  python_version: "3.11"', '  system_packages:', '    - jq', '  python_requirements: requirements.txt', 'run: "predict.py:Predictor"', ''].join(
      '\n',
    ),
  );
  fs.writeFileSync(
    path.join(dir, 'requirements.txt'),
    ['--no-index', '--find-links ./wheels', 'torch==2.1.0', 'bench-tokenizer==1.0', 'bench-utils==1.0', ''].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'predict.py'), PREDICT);
  // Wheels reach pip through a mount in both builds; neither copies them into /src. The Dockerfile's `COPY . /src`
  // needs .dockerignore to leave them out; cogpack refuses a find-links dir its ignore files exclude, and keeps
  // find-links dirs out of /src by itself, so .cogignore (read after .dockerignore) takes them back in.
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'wheels\n');
  fs.writeFileSync(path.join(dir, '.cogignore'), '!wheels\n');
}

/**
 * Applies one edit on top of the current state (edits are cumulative, in the benchmark's order). `token` makes a
 * code edit unique to this run and repeat: a change some earlier run also made would be answered from cache.
 */
export function applyEdit(dir: string, kind: EditKind, token = ''): void {
  switch (kind) {
    case 'code':
      fs.appendFileSync(path.join(dir, 'predict.py'), `\n# edited: a code change ${token}\n`);
      return;
    case 'requirements':
      fs.appendFileSync(path.join(dir, 'requirements.txt'), 'bench-schema==1.0\n');
      return;
    case 'apt': {
      const file = path.join(dir, 'cog.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    - jq\n', '    - jq\n    - bc\n'));
      return;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown edit ${String(never)}`);
    }
  }
}
