/** setZodJitless in fresh processes: zod, loaded after or before it, reports jitless: true. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, 'zod-jitless.ts');

function jitlessIn(script: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `const { setZodJitless } = require(${JSON.stringify(MODULE)});\n${script}`], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('setZodJitless', () => {
  it('holds when zod loads afterwards (the plan bundle case) and when it is loaded already', () => {
    expect(jitlessIn('process.stdout.write(String(require("zod").config().jitless));')).toBe('undefined');
    expect(jitlessIn('setZodJitless(); process.stdout.write(String(require("zod").config().jitless));')).toBe('true');
    expect(jitlessIn('const { z } = require("zod"); setZodJitless(); process.stdout.write(String(z.config().jitless));')).toBe('true');
  }, 60_000);
});
