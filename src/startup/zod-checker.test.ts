/**
 * The generated checkers against zod itself: on every fixture's plan, cog.yaml, pyproject.toml and
 * uv.lock, on the bad-input fixtures, and on thousands of mutations of them (keys dropped, added,
 * set to undefined, values of every other type), a checker accepts exactly when zod does and then
 * returns the same value with the same key order. Plus the generator's own rules.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { planProject } from '../../stacks/plan-project';
import * as planSchemas from '../../planner/plan-schema';
import * as cogSchemas from '../../planner/project/cog-yaml-schema';
import * as pyprojectSchemas from '../../planner/project/pyproject-schema';
import * as uvLockSchemas from '../../planner/project/uv-lock-schema';
import * as requestSchemas from '../../planner/resolver/requests-schema';
import * as inputsSchemas from '../../planner/inputs/schema';
import { inputsRecord } from '../../planner/inputs';
import { checkerModule, loadCheckers } from './zod-checker';

const TESTDATA = join(__dirname, '..', '..', 'testdata');
type Schema = z.core.$ZodType;

/** Every zod schema the plan bundle stubs (scripts/command-bundle.ts SCHEMA_MODULES). */
const SCHEMAS: Record<string, Schema> = Object.fromEntries(
  Object.entries({ ...planSchemas, ...cogSchemas, ...pyprojectSchemas, ...uvLockSchemas, ...requestSchemas, ...inputsSchemas }).filter(
    ([, v]) => typeof v === 'object' && v !== null && '_zod' in v,
  ),
) as Record<string, Schema>;
const generated = checkerModule(SCHEMAS);
const { FAIL, check } = loadCheckers(generated.source);

/** JSON that keeps key order and shows undefined values and absent keys apart. */
function shape(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) => (x === undefined ? '<undefined>' : x));
}

/** Asserts the checker and zod agree on `input`; returns whether zod accepted it. */
function agree(name: string, input: unknown, what: string): boolean {
  const zod = (SCHEMAS[name] as z.ZodType).safeParse(input);
  const fast = check[name](input);
  const got = fast === FAIL ? 'FAIL' : shape(fast);
  const want = zod.success ? shape(zod.data) : 'FAIL';
  if (got !== want) throw new Error(`${name} on ${what}: checker ${got.slice(0, 200)} but zod ${want.slice(0, 200)}`);
  return zod.success;
}

const ODD_VALUES: unknown[] = ['', 'x', '/abs', 'a:b', 0, -1, 1.5, 3, NaN, Infinity, true, null, [], ['a'], [1], {}, { a: 'b' }, { type: 'scratch' }];

/** Up to `max` mutations of `root`, spread over all of its paths (deterministic). */
function mutations(root: unknown, max: number): { input: unknown; what: string }[] {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
  };
  walk(root, []);
  const out: { input: unknown; what: string }[] = [];
  const step = Math.max(1, Math.floor((paths.length * (ODD_VALUES.length + 3)) / max));
  let n = 0;
  for (const p of paths) {
    const edits: [string, (parent: Record<string | number, unknown>, key: string | number) => void][] = [
      ['delete', (o, k) => (Array.isArray(o) ? o.splice(Number(k), 1) : delete o[k])],
      ['undefined', (o, k) => (o[k] = undefined)],
      [
        'extra key',
        (o, k) => (o[k] && typeof o[k] === 'object' && !Array.isArray(o[k]) ? ((o[k] as Record<string, unknown>).zz_extra = 1) : (o[k] = { zz_extra: 1 })),
      ],
      ...ODD_VALUES.map((v): [string, (o: Record<string | number, unknown>, k: string | number) => void] => [
        `= ${shape(v)}`,
        (o, k) => (o[k] = structuredClone(v)),
      ]),
    ];
    for (const [label, edit] of edits) {
      if (n++ % step !== 0 || p.length === 0) continue;
      const copy = structuredClone(root) as Record<string | number, unknown>;
      const parent = p.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
      edit(parent, p[p.length - 1]);
      out.push({ input: copy, what: `${p.join('.')} ${label}` });
    }
  }
  return out;
}

const fixtures = readdirSync(TESTDATA, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'errors' && e.name !== 'cog-schema')
  .map((e) => e.name)
  .sort();

describe('generated checkers', () => {
  it('cover every schema the plan bundle stubs', () => {
    expect(generated.skipped).toEqual({});
    expect(generated.names.sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  it.each(fixtures)(
    'agree with zod on %s and on mutations of its inputs',
    async (name) => {
      const dir = join(TESTDATA, name);
      const { json } = await planProject(dir, { env: {} });
      const plan = JSON.parse(json) as unknown;
      expect(agree('PlanSchema', plan, 'the plan')).toBe(true);
      // the inputs label a build reads back from the image it replaces (file digests, deps tuples)
      const record = JSON.parse(JSON.stringify(await inputsRecord(JSON.parse(json), dir, { COGPACK_CACHE_DIR: '' }))) as unknown;
      expect(agree('InputsRecordSchema', record, 'the inputs record')).toBe(true);
      const inputs: [string, unknown][] = [
        ['PlanSchema', plan],
        ['InputsRecordSchema', record],
      ];
      if (existsSync(join(dir, 'cog.yaml'))) inputs.push(['CogYamlSchema', parseYaml(readFileSync(join(dir, 'cog.yaml'), 'utf8')) ?? {}]);
      if (existsSync(join(dir, 'uv.lock'))) inputs.push(['UvLockSchema', parseToml(readFileSync(join(dir, 'uv.lock'), 'utf8'))]);
      if (existsSync(join(dir, 'pyproject.toml'))) {
        const doc = parseToml(readFileSync(join(dir, 'pyproject.toml'), 'utf8')) as Record<string, Record<string, unknown>>;
        inputs.push(['ToolCogpackSchema', doc.tool?.cogpack ?? {}]);
        if (doc.project) inputs.push(['ProjectSchema', doc.project]);
      }
      const verdicts = new Set<boolean>();
      for (const [schema, input] of inputs) {
        agree(schema, input, `${name} itself`);
        for (const m of mutations(input, 150)) verdicts.add(agree(schema, m.input, `${name}: ${m.what}`));
      }
      expect([...verdicts].sort()).toEqual([false, true]); // the mutations hit both sides of the contract
    },
    60_000,
  );

  it('agree with zod on every bad-input cog.yaml', () => {
    const errors = join(TESTDATA, 'errors');
    for (const c of readdirSync(errors)) {
      let raw: unknown;
      try {
        raw = parseYaml(readFileSync(join(errors, c, 'cog.yaml'), 'utf8'));
      } catch {
        continue; // a YAML syntax error, a binary file, no cog.yaml: not a schema question
      }
      agree('CogYamlSchema', raw ?? {}, `errors/${c}`);
    }
  });

  it('agree with zod on dependency requests', () => {
    const request = { kind: 'python-package', name: 'torch', constraint: '==2.3.1', source: 'requirements.txt:1', requester: 'torch' };
    expect(agree('DependencyRequestSchema', request, 'a request')).toBe(true);
    const verdicts = new Set(mutations(request, 200).map((m) => agree('DependencyRequestSchema', m.input, m.what)));
    expect([...verdicts].sort()).toEqual([false, true]);
  });
});

describe('checkerModule', () => {
  const one = (s: Schema) => loadCheckers(checkerModule({ s }).source);

  it('keeps zod key order: shape order for strict and loose objects, extra keys after (loose) or dropped (strip)', () => {
    const shapeDef = { b: z.string().optional(), a: z.number() };
    for (const s of [z.strictObject(shapeDef), z.object(shapeDef).loose(), z.object(shapeDef)]) {
      const c = one(s);
      for (const input of [{ a: 1, b: 'x' }, { a: 1 }, { a: 1, b: undefined }, { x: 2, a: 1, b: 'y' }, { b: 'y' }]) {
        const zod = s.safeParse(input);
        expect(c.check.s(input) === c.FAIL ? 'FAIL' : shape(c.check.s(input))).toBe(zod.success ? shape(zod.data) : 'FAIL');
      }
    }
  });

  it('refuses what it cannot match exactly, so those schemas stay on zod', () => {
    const refused = [
      z.string().email(),
      z.string().transform((s) => s.length),
      z.string().default('x'),
      z.union([z.string(), z.string().min(2)]),
      z.strictObject({ a: z.string() }).refine(() => true),
      z.record(z.enum(['a']), z.string()),
      z.string().regex(/a/g),
    ];
    for (const s of refused) expect(Object.keys(checkerModule({ s }).skipped)).toEqual(['s']);
    const mixed = checkerModule({ ok: z.string(), bad: z.date() });
    expect(mixed.names).toEqual(['ok']);
    expect(Object.keys(mixed.skipped)).toEqual(['bad']);
  });

  it('checks a fixed-length tuple item by item, and leaves tuples with rest or optional items to zod', () => {
    const t = z.tuple([z.string(), z.number()]);
    const c = one(t);
    for (const input of [['a', 1], ['a'], ['a', 1, 2], [1, 'a'], 'a', {}, [], ['a', undefined]]) {
      const zod = t.safeParse(input);
      expect(c.check.s(input) === c.FAIL ? 'FAIL' : shape(c.check.s(input))).toBe(zod.success ? shape(zod.data) : 'FAIL');
    }
    for (const s of [z.tuple([z.string()], z.number()), z.tuple([z.string(), z.number().optional()])])
      expect(Object.keys(checkerModule({ s }).skipped)).toEqual(['s']);
  });

  it('runs a union option chosen by JS type and a discriminated union by its tag', () => {
    const u = z.union([z.string().min(1), z.array(z.string())]);
    const d = z.discriminatedUnion('t', [z.strictObject({ t: z.literal('a'), x: z.string() }), z.strictObject({ t: z.literal('b') })]);
    for (const [s, inputs] of [
      [u, ['x', '', ['a'], [1], 3, {}]],
      [d, [{ t: 'a', x: 'y' }, { t: 'a' }, { t: 'b' }, { t: 'c' }, { x: 'y' }, []]],
    ] as const) {
      const c = one(s);
      for (const input of inputs) {
        const zod = s.safeParse(input);
        expect(c.check.s(input) === c.FAIL ? 'FAIL' : shape(c.check.s(input))).toBe(zod.success ? shape(zod.data) : 'FAIL');
      }
    }
  });
});
