/**
 * Plan snapshots: every fixture project in testdata/ (except testdata/errors) is planned with fixed
 * options and compared byte for byte with snapshots/<case>.plan.json. `npm run snapshots:update`
 * rewrites them; read the diff before committing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan, serializePlan } from './index';
import { planProject } from '../stacks/plan-project';

const ROOT = join(__dirname, '..');
const TESTDATA = join(ROOT, 'testdata');
const SNAPSHOTS = join(ROOT, 'snapshots');
const UPDATE = process.env.COGPACK_UPDATE_SNAPSHOTS === '1';

export function fixtureNames(): string[] {
  return readdirSync(TESTDATA, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'errors' && e.name !== 'cog-schema')
    .map((e) => e.name)
    .sort();
}

/** The fixed options snapshots are taken with: no image map, the default SDK source, no ambient env. */
export async function planFixture(name: string): Promise<string> {
  const { plan } = await planProject(join(TESTDATA, name), { env: {} });
  return serializePlan(plan);
}

describe('plan snapshots', () => {
  const names = fixtureNames();

  it('has at least 30 fixture projects', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)('%s matches snapshots/%s.plan.json', async (name) => {
    const json = await planFixture(name);
    const file = join(SNAPSHOTS, `${name}.plan.json`);
    if (UPDATE) writeFileSync(file, json);
    expect(existsSync(file)).toBe(true);
    expect(json).toBe(readFileSync(file, 'utf8'));
    expect(json).not.toContain(ROOT);
    expect(json).toBe(await planFixture(name));
    expect(parsePlan(json)).toEqual(JSON.parse(json));
    expect(serializePlan(parsePlan(json))).toBe(json);
  });

  it('has no snapshot without a fixture', () => {
    const stale = readdirSync(SNAPSHOTS).filter((f) => f.endsWith('.plan.json') && !names.includes(f.replace(/\.plan\.json$/, '')));
    expect(stale).toEqual([]);
  });
});
