/** Writes real, minimal, pip-installable wheels for tests and benchmarks, with no network and no pip. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { incompressiblePayload } from './payload';
import { writeZip, type ZipEntry } from './zip';
import { normalizeName } from '../../planner/project/requirements';

export interface WheelSpec {
  /** Distribution name as on PyPI, e.g. `my-pkg`. */
  readonly name: string;
  readonly version: string;
  /** Files inside the wheel (paths relative to site-packages). Default: `<module>/__init__.py` with `__version__`. */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** Adds `<module>/_payload.bin` of this many incompressible bytes (a stand-in for torch-sized wheels). */
  readonly sizeBytes?: number;
  /** `Requires-Dist` lines, e.g. `['other-pkg==1.0']`. */
  readonly requires?: readonly string[];
}

export interface BuiltWheel {
  readonly path: string;
  readonly filename: string;
  /** Importable module name of the default files (`my-pkg` → `my_pkg`). */
  readonly module: string;
  /** sha256 of the .whl file, hex (for `--hash=sha256:` pins). */
  readonly sha256: string;
}

/** PEP 503 normalisation, then PEP 427's escaping for file names: runs of `-_.` become `_`. */
export function wheelStem(name: string, version: string): string {
  const dist = normalizeName(name).replace(/-/g, '_');
  return `${dist}-${version.replace(/-/g, '_')}`;
}

function recordDigest(sha256: Buffer): string {
  return `sha256=${sha256.toString('base64url')}`;
}

function metadata(spec: WheelSpec): string {
  const requires = (spec.requires ?? []).map((r) => `Requires-Dist: ${r}\n`).join('');
  return `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n${requires}`;
}

const WHEEL_FILE = 'Wheel-Version: 1.0\nGenerator: cogpack-testing\nRoot-Is-Purelib: true\nTag: py3-none-any\n';

/** Builds `<dist>-<version>-py3-none-any.whl` in `outDir`; same spec → byte-identical file. */
export function buildWheel(outDir: string, spec: WheelSpec): BuiltWheel {
  const stem = wheelStem(spec.name, spec.version);
  const module = stem.split('-')[0];
  const distInfo = `${stem}.dist-info`;
  const files = spec.files ?? { [`${module}/__init__.py`]: `__version__ = ${JSON.stringify(spec.version)}\n` };
  const entries: ZipEntry[] = [];
  const record: string[] = [];
  for (const [name, text] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const content = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    entries.push({ name, content });
    record.push(`${name},${recordDigest(crypto.createHash('sha256').update(content).digest())},${content.length}`);
  }
  if (spec.sizeBytes !== undefined && spec.sizeBytes > 0) {
    const payload = incompressiblePayload(`${spec.name}==${spec.version}`, spec.sizeBytes);
    const name = `${module}/_payload.bin`;
    entries.push({ name, content: payload });
    record.push(`${name},${recordDigest(payload.sha256)},${payload.size}`);
  }
  for (const [name, text] of [
    [`${distInfo}/METADATA`, metadata(spec)],
    [`${distInfo}/WHEEL`, WHEEL_FILE],
  ]) {
    const content = Buffer.from(text, 'utf8');
    entries.push({ name, content });
    record.push(`${name},${recordDigest(crypto.createHash('sha256').update(content).digest())},${content.length}`);
  }
  record.push(`${distInfo}/RECORD,,`);
  entries.push({ name: `${distInfo}/RECORD`, content: Buffer.from(record.join('\n') + '\n', 'utf8') });

  fs.mkdirSync(outDir, { recursive: true });
  const filename = `${stem}-py3-none-any.whl`;
  const file = path.join(outDir, filename);
  writeZip(file, entries);
  return { path: file, filename, module, sha256: fileSha256(file) };
}

function fileSha256(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4 << 20);
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
