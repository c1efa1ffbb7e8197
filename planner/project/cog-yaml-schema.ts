/**
 * The strict zod schema of cog.yaml (cog's schema v1.0 as of 2026, see docs/cog-build-system §2).
 * Deprecated fields are accepted here and warned about by cog-yaml.ts; unknown keys never reach it
 * (cog-yaml-keys.ts drops them with a warning, as cog ignores them).
 */
import { z } from 'zod';

/** Fields cog removed (and ignores): what to do instead, for the warning. */
export const REMOVED_FIELDS: Record<string, string> = {
  python_extra_index_urls: 'put --extra-index-url lines in your python_requirements file',
  python_find_links: 'put --find-links lines in your python_requirements file',
  fast: 'remove it (cog removed the fast builder)',
  cog_runtime: 'remove it (cog removed the fast builder it chose a runtime for)',
  python_overrides: 'put the pins in your python_requirements file',
};

/** Deprecated field → the replacement named in the warning (`predict` → `run` depends on the SDK: planner/cog-predictor.ts). */
export const DEPRECATED_FIELDS: Record<string, string> = {
  'build.python_packages': 'build.python_requirements',
  'build.pre_install': 'build.run',
  concurrency: '@cog.concurrent in your predictor',
};

// Leaves used many times are built once: zod schemas are immutable and each instance costs start-up time.
const NonEmptyString = z.string().min(1);
const PredictorRef = z
  .string()
  .regex(/^[^:]+\.py:[A-Za-z_][A-Za-z0-9_]*$/, 'expected "file.py:Class"')
  .optional();

const SecretMountSchema = z.strictObject({
  type: z.literal('secret'),
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'secret ids are letters, digits, ".", "_" and "-"'),
  target: z.string().startsWith('/', 'a mount target is an absolute path'),
});

export const RunItemSchema = z.union([NonEmptyString, z.strictObject({ command: NonEmptyString, mounts: z.array(SecretMountSchema).optional() })]);
export type RunItem = z.infer<typeof RunItemSchema>;

const BuildSchema = z.strictObject({
  python_version: z.string().optional(),
  python_requirements: NonEmptyString.optional(),
  python_packages: z.array(NonEmptyString).optional(),
  system_packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.=:~-]*$/, 'not an apt package name')).optional(),
  gpu: z.boolean().optional(),
  cuda: z.string().optional(),
  cudnn: z.string().optional(),
  run: z.union([NonEmptyString, z.array(RunItemSchema)]).optional(),
  pre_install: z.array(NonEmptyString).optional(),
  sdk_version: NonEmptyString.optional(),
});

const WeightSchema = z.strictObject({
  name: NonEmptyString.optional(),
  target: z.string().startsWith('/').optional(),
  source: z.strictObject({
    uri: NonEmptyString,
    include: z.array(z.string()).optional(),
    exclude: z.array(z.string()).optional(),
  }),
});

export const CogYamlSchema = z.strictObject({
  build: BuildSchema.optional(),
  run: PredictorRef,
  predict: PredictorRef,
  train: PredictorRef,
  image: NonEmptyString.optional(),
  model: NonEmptyString.optional(),
  concurrency: z.strictObject({ max: z.number().int().min(1) }).optional(),
  environment: z.array(z.string()).optional(),
  weights: z.array(WeightSchema).optional(),
});
export type CogYaml = z.infer<typeof CogYamlSchema>;
