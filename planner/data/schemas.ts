/**
 * The zod schemas of the resolver's JSON data files and their validation (run by planner/data/data.test.ts
 * on every refresh, and by `cogpack plan` only with COGPACK_VALIDATE_DATA=1). Kept out of index.ts so
 * that a plan run never builds these schemas: index.ts requires this module only when validating.
 */
import { z } from 'zod';
import { InternalError } from '../../src/errors';
import type { ResolverData } from './index';
import torchJson from './torch-compatibility.json';
import cudaJson from './cuda-compatibility.json';
import tfJson from './tf-compatibility.json';
import baseImagesJson from './base-images.json';
import pythonVersionsJson from './python-versions.json';

const ProvenanceSchema = z.object({ source: z.string(), license: z.string(), via: z.string(), file: z.string() }).strict();

const version = (parts: number) => z.string().regex(new RegExp(`^\\d+(\\.\\d+){${parts - 1}}$`));

export const TorchRowSchema = z
  .object({
    Torch: z.string().regex(/^\d+\.\d+\.\d+(\+[a-z0-9]+)?$/),
    Torchvision: z.string().min(1),
    Torchaudio: z.string().min(1),
    FindLinks: z.string(),
    ExtraIndexURL: z.string(),
    CUDA: version(2).nullable(),
    Pythons: z.array(version(2)).min(1),
  })
  .strict();
export type TorchRow = z.infer<typeof TorchRowSchema>;

export const CudaRowSchema = z
  .object({
    Tag: z.string().regex(/^\d+\.\d+\.\d+-cudnn\d*-devel-ubuntu\d+\.\d+$/),
    CUDA: version(3),
    CuDNN: z.string().regex(/^\d+$/),
    IsDevel: z.boolean(),
    Ubuntu: version(2),
  })
  .strict();
export type CudaRow = z.infer<typeof CudaRowSchema>;

export const TfRowSchema = z
  .object({
    TF: version(3),
    TFCPUPackage: z.string().regex(/^[a-z0-9-]+==\d+\.\d+\.\d+$/),
    TFGPUPackage: z.string().regex(/^[a-z0-9-]+==\d+\.\d+\.\d+$/),
    CUDA: version(2),
    CuDNN: version(2),
    Pythons: z.array(version(2)).min(1),
  })
  .strict();
export type TfRow = z.infer<typeof TfRowSchema>;

const matrix = <T extends z.ZodType>(row: T) => z.object({ provenance: ProvenanceSchema, rows: z.array(row).min(1) }).strict();

export const BaseImagesSchema = z
  .object({
    cpu: z
      .object({
        repository: z.string().min(1),
        tag: z.string().includes('{python}'),
        provides: z.record(z.string(), z.string()),
        note: z.string(),
      })
      .strict(),
    gpu: z
      .object({
        repository: z.string().min(1),
        provides: z.record(z.string(), z.string()),
        note: z.string(),
        default_cuda: version(2),
        default_cuda_why: z.string(),
      })
      .strict(),
  })
  .strict();
export type BaseImages = z.infer<typeof BaseImagesSchema>;

export const PythonVersionsSchema = z
  .object({
    supported: z.array(version(2)).min(1),
    unsupported: z.record(version(2), z.string()),
    hint: z.string(),
  })
  .strict();
export type PythonVersions = z.infer<typeof PythonVersionsSchema>;

/** Validates one data file; a failure is cogpack's bug (bad data shipped), never the user's. */
export function parseDataFile<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InternalError('E_RESOLVER_DATA', `planner/data/${file} is invalid at ${issue.path.join('.')}: ${issue.message}`, {
      hint: 'fix the data file (see planner/data/README.md) and run npx jest planner/data',
    });
  }
  return result.data;
}

/** Parses every data file with its schema; throws InternalError naming the first bad file and field. */
export function validateResolverData(): ResolverData {
  return {
    torch: parseDataFile(matrix(TorchRowSchema), torchJson, 'torch-compatibility.json').rows,
    cuda: parseDataFile(matrix(CudaRowSchema), cudaJson, 'cuda-compatibility.json').rows,
    tf: parseDataFile(matrix(TfRowSchema), tfJson, 'tf-compatibility.json').rows,
    baseImages: parseDataFile(BaseImagesSchema, baseImagesJson, 'base-images.json'),
    python: parseDataFile(PythonVersionsSchema, pythonVersionsJson, 'python-versions.json'),
  };
}
