import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planOf, tempProject } from '../../src/testing/temp-project';
import { diffInputs, inputsRecord, inputsRecordOf, parseInputs, serializeInputs, withInputsLabel, recordOfPlanJson, INPUTS_LABEL } from '.';

jest.setTimeout(60_000); // each case plans a project twice; the machine is shared

const COG = (extra = '', python = '3.11') =>
  `build:\n  python_version: "${python}"\n  python_requirements: requirements.txt\n${extra}run: "predict.py:Predictor"\n`;
const PREDICT = (v: string) => `class Predictor:\n    def predict(self) -> str:\n        return "${v}"\n`;
const REQS = 'requests==2.31.0\nclick>=8\nnumpy==1.26.4\n';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = tempProject(files);
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Record of the project, then of it after `edit`: the changed stages and their reasons. */
async function changesAfter(files: Record<string, string>, edit: Record<string, string | null>): Promise<Record<string, string[]>> {
  const dir = project(files);
  const before = await inputsRecord(await planOf(dir), dir);
  for (const [rel, text] of Object.entries(edit)) {
    if (text === null) rmSync(join(dir, rel));
    else writeFileSync(join(dir, rel), text);
  }
  const plan = await planOf(dir);
  const after = await inputsRecord(plan, dir);
  return Object.fromEntries(diffInputs(before, after, plan).map((c) => [c.id, c.because]));
}

const base = { 'cog.yaml': COG('  system_packages:\n    - jq\n'), 'requirements.txt': REQS, 'predict.py': PREDICT('1') };

describe('why a stage was rebuilt', () => {
  it('an apt package added: system:apt names cog.yaml line and package; the code layer names cog.yaml', async () => {
    const changes = await changesAfter(base, { 'cog.yaml': COG('  system_packages:\n    - jq\n    - bc\n') });
    expect(changes).toEqual({
      'system:apt': ['cog.yaml:4 build.system_packages + bc'],
      'code:source': ['1 file changed: cog.yaml'],
    });
  });

  it('a pin changed: deps:pip names requirements.txt:3 and both versions', async () => {
    const changes = await changesAfter(base, { 'requirements.txt': REQS.replace('1.26.4', '2.0.0') });
    expect(changes).toEqual({
      'deps:pip': ['requirements.txt:3 numpy 1.26.4 → 2.0.0'],
      'code:source': ['1 file changed: requirements.txt'],
    });
  });

  it('requirements added and removed', async () => {
    const changes = await changesAfter(base, { 'requirements.txt': 'requests==2.31.0\nnumpy==1.26.4\nscipy==1.13.0\n' });
    expect(changes['deps:pip']).toEqual(['requirements.txt:2 - click', 'requirements.txt:3 + scipy 1.13.0']);
  });

  it('code edits: only code:source, naming the files', async () => {
    const changes = await changesAfter(base, { 'predict.py': PREDICT('2'), 'util.py': 'X = 1\n' });
    expect(changes).toEqual({ 'code:source': ['2 files changed: predict.py, util.py (new)'] });
    expect(await changesAfter({ ...base, 'util.py': 'X = 1\n' }, { 'util.py': null })).toEqual({ 'code:source': ['1 file changed: util.py (deleted)'] });
  });

  it('the python version: the python stage names it; stages whose commands name it trace back to it', async () => {
    const changes = await changesAfter(base, { 'cog.yaml': COG('  system_packages:\n    - jq\n', '3.12') });
    // python sits on the base image; apt, built on python, runs again without a reason of its own
    expect(changes['python:python']).toEqual([
      'base image docker.io/library/python:3.11-slim → docker.io/library/python:3.12-slim',
      'cog.yaml:2 build.python_version python 3.11 → 3.12',
    ]);
    expect(changes['system:apt']).toBeUndefined();
    expect(changes['deps:pip']).toEqual(['cog.yaml:2 build.python_version python 3.11 → 3.12']);
    expect(changes['code:source']).toEqual(['1 file changed: cog.yaml']);
  });

  it('an environment edit changes no layer stage, only the code layer (cog.yaml is in it)', async () => {
    const dir = project(base);
    const before = await planOf(dir);
    writeFileSync(join(dir, 'cog.yaml'), `${COG('  system_packages:\n    - jq\n')}environment:\n  - MODE=fast\n`);
    const after = await planOf(dir);
    expect(after.export.env.MODE).toBe('fast');
    expect(diffInputs(inputsRecordOf(before), inputsRecordOf(after), after)).toEqual([]);
  });

  it('an identical project gives identical record bytes, and no changes', async () => {
    const a = project(base);
    const b = project(base);
    const [ra, rb] = [await inputsRecord(await planOf(a), a), await inputsRecord(await planOf(b), b)];
    expect(serializeInputs(ra)).toBe(serializeInputs(rb));
    expect(diffInputs(ra, rb)).toEqual([]);
    expect(parseInputs(serializeInputs(ra))).toEqual(ra);
  });

  it('a plan JSON with the label gives its record; one without gives the stages without files', async () => {
    const dir = project(base);
    const plan = await planOf(dir);
    const record = await inputsRecord(plan, dir);
    expect(recordOfPlanJson(withInputsLabel(plan, record))).toEqual(record);
    const bare = recordOfPlanJson(plan);
    expect(bare.stages['code:source'].files).toBeUndefined();
    // no file digests on one side: the code stage is not reported changed for files it cannot compare
    expect(diffInputs(bare, record, plan)).toEqual([]);
    expect(withInputsLabel(plan, record).export.labels[INPUTS_LABEL].length).toBeLessThan(2000);
  });

  it('a new stage and a removed one', async () => {
    const changes = await changesAfter(base, { 'cog.yaml': COG('') });
    expect(changes['system:apt']).toEqual(['no longer in the plan']);
    expect(changes['deps:pip']).toEqual(['starts from phase python (was phase system)']);
  });
});
