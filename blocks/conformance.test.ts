/**
 * Conformance: every block in the registry keeps the contract. Its name matches its file, a fixture in
 * testdata/ exercises it, and that fixture's snapshot shows what it contributes (its stages, or for the
 * config-only blocks, the image config it sets).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanData } from '../planner/plan-schema';
import { BLOCKS } from './index';

const SNAPSHOTS = join(__dirname, '..', 'snapshots');

const plans: Record<string, PlanData> = Object.fromEntries(
  readdirSync(SNAPSHOTS)
    .filter((f) => f.endsWith('.plan.json'))
    .map((f) => [f.replace(/\.plan\.json$/, ''), JSON.parse(readFileSync(join(SNAPSHOTS, f), 'utf8'))]),
);

/** Blocks that only shape the image config, with what their snapshot must show. */
const CONFIG_ONLY: Record<string, (p: PlanData) => boolean> = {
  environment: (p) => Object.keys(p.export.env).some((k) => !/^(COG_|NVIDIA_|LD_LIBRARY_PATH|PYTHONUNBUFFERED)/.test(k)),
  'export-config': (p) => p.export.working_dir === '/src' && p.export.cmd.length > 0,
};

const stagesOf = (p: PlanData, block: string) => [...p.build_phases, ...p.export_phases].flatMap((ph) => ph.stages).filter((s) => s.block === block);

describe.each(BLOCKS.map((b) => [b.name, b] as const))('block %s', (name, block) => {
  it('lives in blocks/<name>.ts and is exported from it', () => {
    const file = join(__dirname, `${name}.ts`);
    expect(existsSync(file)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Object.values(require(file))).toContain(block);
  });

  it('is exercised by a fixture whose snapshot shows its contribution', () => {
    const using = Object.entries(plans).filter(([, p]) => p.blocks.includes(name));
    expect(using.length).toBeGreaterThan(0);
    const check = CONFIG_ONLY[name] ?? ((p: PlanData) => stagesOf(p, name).length > 0);
    expect(using.filter(([, p]) => check(p)).map(([n]) => n).length).toBeGreaterThan(0);
  });

  it('gives its stages ids in its own namespace', () => {
    for (const p of Object.values(plans)) for (const s of stagesOf(p, name)) expect(s.id).toMatch(new RegExp(`^[a-z-]+:${name}(:|$)`));
  });
});

it('registry names are unique', () => {
  expect(new Set(BLOCKS.map((b) => b.name)).size).toBe(BLOCKS.length);
});
