/**
 * Signatures cog refuses are ConfigErrors at file:line with a fix (checked against the runtime: each
 * case below also fails cog 0.13.6's `python -m cog.command.openapi_schema`, except the Optional output,
 * which that release still accepts and later cog releases refuse), and what only the runtime can know
 * comes back as `unresolved` with its place, not as a guess.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors';
import { cogOpenApiSchema } from './index';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cog-schema-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(source: string, ref = 'predict.py:Predictor') {
  writeFileSync(join(dir, 'predict.py'), source);
  return cogOpenApiSchema({ root: dir, predict: { ref, file: 'cog.yaml', line: 2 } });
}

function refused(source: string, ref?: string): ConfigError {
  try {
    run(source, ref);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('not refused');
}

const HEAD = 'from typing import Optional\nfrom pathlib import Path as PPath\nfrom cog import BasePredictor, Input\n\nclass Predictor(BasePredictor):\n';

describe('refused signatures', () => {
  it.each([
    ['a syntax error', 'E_PYTHON_SYNTAX', 6, `${HEAD}    def predict(self, x: str -> str:\n        pass\n`],
    ['an Optional input', 'E_INPUT_TYPE', 7, `${HEAD}    def predict(self,\n                x: Optional[str] = None) -> str:\n        pass\n`],
    ['an unsupported input type', 'E_INPUT_TYPE', 7, `${HEAD}    def predict(self,\n                x: dict) -> str:\n        pass\n`],
    ['pathlib.Path as input', 'E_INPUT_TYPE', 6, `${HEAD}    def predict(self, x: PPath) -> str:\n        pass\n`],
    ['a third-party input type', 'E_INPUT_TYPE', 7, `import torch\n${HEAD}    def predict(self, x: torch.Tensor) -> str:\n        pass\n`],
    ['an input without annotation', 'E_INPUT_TYPE', 6, `${HEAD}    def predict(self, x) -> str:\n        pass\n`],
    ['choices on a float', 'E_INPUT_CHOICES', 6, `${HEAD}    def predict(self, x: float = Input(choices=[1.0])) -> str:\n        pass\n`],
    ['an Optional output', 'E_OUTPUT_TYPE', 6, `${HEAD}    def predict(self, x: str) -> Optional[str]:\n        pass\n`],
    ['no output annotation', 'E_OUTPUT_TYPE', 6, `${HEAD}    def predict(self, x: str):\n        pass\n`],
    ['no predict method', 'E_PREDICTOR_MISSING', 5, `${HEAD}    def setup(self):\n        pass\n`],
  ])('%s', (_name, code, line, source) => {
    const e = refused(source);
    expect({ code: e.code, file: e.file, line: e.line }).toEqual({ code, file: 'predict.py', line });
    expect(e.hint).toBeTruthy();
  });

  it('a missing class names the file and the fix', () => {
    const e = refused(`${HEAD}    def predict(self) -> str:\n        pass\n`, 'predict.py:Model');
    expect(e.code).toBe('E_PREDICTOR_MISSING');
    expect(e.message).toContain('"Model"');
  });

  it('a missing predictor file names cog.yaml', () => {
    const e = refused('', 'other.py:Predictor');
    expect({ code: e.code, file: e.file, line: e.line }).toEqual({ code: 'E_FILE_MISSING', file: 'cog.yaml', line: 2 });
  });
});

describe('left to the runtime', () => {
  it.each([
    ['a computed default', `${HEAD}    def predict(self, x: int = Input(default=len("ab"))) -> str:\n        pass\n`, 'predict.py:6'],
    ['a third-party output type', `import numpy\n${HEAD}    def predict(self) -> numpy.ndarray:\n        pass\n`, 'predict.py:7'],
    ['a name from a star import', `from helpers import *\n${HEAD}    def predict(self, x: str = DEFAULT) -> str:\n        pass\n`, 'predict.py:7'],
    [
      'a predict inherited from an installed class',
      `from lib import Base\n${HEAD.replace('(BasePredictor)', '(Base)')}    def setup(self):\n        pass\n`,
      'predict.py:6',
    ],
    ['a decorated predict', `${HEAD}    @torch.inference_mode()\n    def predict(self) -> str:\n        pass\n`, 'predict.py:7'],
  ])('%s', (_name, source, where) => {
    const r = run(source);
    expect('unresolved' in r && r.unresolved.where).toBe(where);
  });
});
