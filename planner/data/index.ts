/**
 * The resolver's JSON data files (compat matrices, base images, python versions) as typed data. The files
 * ship with cogpack (they are not user input), so `cogpack plan` does not re-validate them on each run:
 * zod-parsing ~200 rows costs tens of milliseconds on a start-up path whose budget is 1.5× `node -e 0`.
 * Their schemas live in schemas.ts, loaded only when validating (building them costs start-up time too).
 */
import type { BaseImages, CudaRow, PythonVersions, TfRow, TorchRow } from './schemas';
import torchJson from './torch-compatibility.json';
import cudaJson from './cuda-compatibility.json';
import tfJson from './tf-compatibility.json';
import baseImagesJson from './base-images.json';
import pythonVersionsJson from './python-versions.json';

export type { BaseImages, CudaRow, PythonVersions, TfRow, TorchRow } from './schemas';

export interface ResolverData {
  torch: TorchRow[];
  cuda: CudaRow[];
  tf: TfRow[];
  baseImages: BaseImages;
  python: PythonVersions;
}

/** Parses every data file with its schema; throws InternalError naming the first bad file and field. */
export function validateResolverData(): ResolverData {
  // loaded only when asked: zod and the schemas stay out of the planner's start-up
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./schemas') as typeof import('./schemas')).validateResolverData();
}

/**
 * The data as shipped (validated by the test suite, see the module comment). Set COGPACK_VALIDATE_DATA=1
 * to validate at run time too, e.g. after editing the files by hand.
 */
export function loadResolverData(env: NodeJS.ProcessEnv = process.env): ResolverData {
  if (env.COGPACK_VALIDATE_DATA === '1') return validateResolverData();
  return {
    torch: torchJson.rows,
    cuda: cudaJson.rows,
    tf: tfJson.rows,
    baseImages: baseImagesJson,
    python: pythonVersionsJson as PythonVersions,
  };
}

/** Provenance lines of the three matrices, for `cogpack plan` summaries and docs. */
export function dataProvenance(): string[] {
  return [torchJson, cudaJson, tfJson].map((m) => `${m.provenance.file}: ${m.provenance.source}, ${m.provenance.license}`);
}
