/**
 * Chooses the TensorFlow row: the newest release every tensorflow request allows that supports an
 * allowed python; its CUDA/cuDNN become the GPU target. A patch release missing from the data
 * (e.g. 2.18.1) uses its minor's row, since TensorFlow's tested CUDA/cuDNN are per minor.
 */
import type { TfRow } from '../data';
import type { DependencyRequest, FrameworkResolver } from './types';
import { cudaForFramework } from './cuda-choice';
import { compareDotted, exactPin, explainShortfall, pep440Satisfies, type Constrained } from './constraints';
import { conflictError, describe, isDefaultSource, resolveError } from './errors';
import { minorSatisfies } from './python';
import { pythonRange } from './torch-explain';
import { closestVersions } from './torch-rows';

/** The distributions the TensorFlow framework owns (`tensorflow-gpu` is no longer published, but still written). */
export const TF_NAMES = ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu'];

export interface TensorflowChoice {
  version: string;
  /** "tensorflow" or "tensorflow-cpu" etc, from the TF row */
  package: string;
  cuda: string | null;
  cudnn: string | null;
}

interface TfCandidate {
  version: string;
  row: TfRow;
}

const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');

/** The data's releases, plus any exactly pinned patch release of a minor the data knows. */
function candidates(rows: TfRow[], items: Constrained[]): TfCandidate[] {
  const out = rows.map((row) => ({ version: row.TF, row }));
  for (const i of items) {
    const pin = exactPin(i.spec);
    if (!pin || !/^\d+\.\d+\.\d+$/.test(pin) || out.some((c) => c.version === pin)) continue;
    const row = rows.filter((r) => minorOf(r.TF) === minorOf(pin)).sort((a, b) => compareDotted(b.TF, a.TF))[0];
    if (row) out.push({ version: pin, row });
  }
  return out.sort((a, b) => compareDotted(b.version, a.version));
}

function explainVersion(cands: TfCandidate[], items: Constrained[]): never {
  const known = cands.map((c) => c.version);
  const why = explainShortfall(known, items, (v, i) => pep440Satisfies(v, i.spec));
  if (why.kind === 'pair') {
    throw conflictError('E_TF_CONFLICT', why.a.req, why.b.req, 'no tensorflow version satisfies both', 'make the tensorflow pins agree');
  }
  const item = why.kind === 'unmatched' ? why.item : why.items[0];
  const pin = exactPin(item.spec);
  const near = pin ? closestVersions(known, pin) : [known[known.length - 1], known[0]];
  throw resolveError(
    'E_TF_VERSION',
    `tensorflow ${item.req.constraint} (${item.req.source}) is not a known TensorFlow release; closest known: ${near.join(', ')}`,
    [item.req],
    `pin ${near.map((v) => `tensorflow==${v}`).join(' or ')}`,
  );
}

function explainPython(pool: TfCandidate[], items: Constrained[], python: Constrained[], pythons: string[], supported: string[]): never {
  const t = items[0].req;
  const supports = [...new Set(pool.flatMap((c) => c.row.Pythons))].sort(compareDotted);
  const hard = python.filter((i) => !isDefaultSource(i.req.source));
  const culprit = hard.find((i) => !supports.some((p) => minorSatisfies(p, i.spec))) ?? hard[0];
  const why = `tensorflow ${[...new Set(pool.map((c) => c.version))].join(', ')} supports python ${pythonRange(supports)} but python ${pythons.join(', ')} is required`;
  const usable = supports.filter((p) => supported.includes(p));
  const hint =
    usable.length > 0
      ? `use python ${pythonRange(usable)}, or a newer tensorflow`
      : `use a newer tensorflow: ${[...new Set(pool.map((c) => c.version))].join(', ')} supports no python that cogpack builds (${supported.join(', ')})`;
  if (!culprit) throw resolveError('E_TF_PYTHON', `${describe(t)}: ${why}`, [t], hint);
  throw conflictError('E_TF_PYTHON', t, culprit.req, why, hint);
}

/**
 * The distribution to install: the TF row's package, except that a user who wrote `tensorflow-cpu` keeps it
 * (a GPU build then gets a warning), and `tensorflow-gpu` (removed upstream in 2.12) becomes the row's package.
 */
function packageName(row: TfRow, asked: DependencyRequest, gpu: boolean, warnings: string[]): string {
  const fromRow = (gpu ? row.TFGPUPackage : row.TFCPUPackage).split('==')[0];
  if (asked.name === 'tensorflow-cpu') {
    if (gpu) warnings.push(`tensorflow: ${asked.source} asks for tensorflow-cpu in a GPU build; TensorFlow will not use the GPU`);
    return 'tensorflow-cpu';
  }
  if (asked.name === 'tensorflow-gpu') {
    warnings.push(`tensorflow: ${asked.source} asks for tensorflow-gpu, which TensorFlow stopped publishing; installing ${fromRow}`);
  }
  return fromRow;
}

export interface TfResult {
  choice: TensorflowChoice;
  pythons: string[];
}

export interface TfInput {
  rows: TfRow[];
  items: Constrained[];
  /** python requests, to name the one that clashes */
  python: Constrained[];
  /** python minors still allowed */
  pythons: string[];
  /** every python minor cogpack builds */
  supported: string[];
  gpu: boolean;
  warnings: string[];
}

export function chooseTensorflow({ rows, items, python, pythons, supported, gpu, warnings }: TfInput): TfResult {
  const all = candidates(rows, items);
  const matching = all.filter((c) => items.every((i) => pep440Satisfies(c.version, i.spec)));
  if (matching.length === 0) explainVersion(all, items);
  const fitting = matching.filter((c) => c.row.Pythons.some((p) => pythons.includes(p)));
  if (fitting.length === 0) explainPython(matching, items, python, pythons, supported);
  const { version, row } = fitting[0];
  if (version !== row.TF) warnings.push(`tensorflow ${version} is not in cogpack's data; using the CUDA/cuDNN of ${row.TF} (same minor release)`);
  if (!items.some((i) => i.spec !== '' && !isDefaultSource(i.req.source))) {
    warnings.push(`tensorflow is not pinned (${items[0].req.source}); resolved to ${version}, the newest known to fit; pin tensorflow==${version} to keep it`);
  }
  const pkg = packageName(row, items[0].req, gpu, warnings);
  const choice: TensorflowChoice = {
    version,
    package: pkg,
    cuda: gpu ? row.CUDA : null,
    cudnn: gpu ? row.CuDNN.split('.')[0] : null,
  };
  return { choice, pythons: pythons.filter((p) => row.Pythons.includes(p)) };
}

/**
 * TensorFlow as a framework plugin: resolved before the others, since with gpu its tested row fixes CUDA and
 * cuDNN (cog rule); a user cuda of the same major is kept with a warning, a different major is a conflict.
 */
export const tensorflowFramework: FrameworkResolver = {
  name: 'tensorflow',
  packages: TF_NAMES,
  fixesCuda: true,
  choose(input) {
    const items = TF_NAMES.flatMap((n) => input.requests[n] ?? []);
    const { data, gpu, warnings } = input;
    const tf = chooseTensorflow({ rows: data.tf, items, python: input.python, pythons: input.pythons, supported: data.python.supported, gpu, warnings });
    const c = tf.choice;
    const fixer = { name: 'tensorflow', version: c.version, cuda: c.cuda ?? '', req: items[0].req };
    const hostCuda = gpu ? cudaForFramework(data.cuda, fixer, input.cuda.user, warnings) : null;
    return {
      choice: { version: c.version, variant: '', packages: { [c.package]: c.version }, index_url: '', cuda: c.cuda, cudnn: c.cudnn },
      pythons: tf.pythons,
      hostCuda,
      resolved: Object.fromEntries(TF_NAMES.map((n) => [n, c.version])),
    };
  },
};
