/** Test support: locate the reference vectors and turn an `inputs/NAME/build.json` into writer options. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFromRawPrivate } from '../keys';
import type { MetadataInput } from '../metadata';
import type { KeySpec, SlotInput, WritePackageOptions } from '../writer';

/**
 * Where CI (and this machine) keep them: beside the repository, `../shared/pspf-vectors`; `PSPF_VECTOR_DIR`
 * points elsewhere (a git worktree of the repository does not sit beside that folder).
 */
export const VECTOR_DIR = process.env.PSPF_VECTOR_DIR || path.resolve(__dirname, '../../../../shared/pspf-vectors');

export function vectorNames(): string[] {
  return fs
    .readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.psp'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/**
 * Copies a vector's inputs to a temp dir with owner-write added (0444 → 0644, 0555 → 0755): the vector README
 * states the inputs are 0644/0755 as a umask-022 checkout gives, but the shared copy is read-only.
 */
export function copyInputs(name: string): string {
  const src = path.join(VECTOR_DIR, 'inputs', name);
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), `pspf-vec-${name}-`));
  const copy = (from: string, to: string): void => {
    for (const d of fs.readdirSync(from, { withFileTypes: true })) {
      const a = path.join(from, d.name);
      const b = path.join(to, d.name);
      if (d.isDirectory()) {
        fs.mkdirSync(b);
        copy(a, b);
        fs.chmodSync(b, 0o755);
      } else {
        fs.copyFileSync(a, b);
        fs.chmodSync(b, (fs.statSync(a).mode & 0o777) | 0o200);
      }
    }
  };
  copy(src, dst);
  return dst;
}

interface BuildJson {
  metadata: MetadataInput;
  launcher: string;
  slots: Array<{
    id: string;
    source: string;
    operations: string;
    purpose: string;
    lifecycle: string;
    target?: string;
    permissions?: string;
    reference_recorded_size: number;
  }>;
  keys: { mode: 'seed'; seed: string } | { mode: 'ephemeral'; replay_private_key_hex: string };
  options: { page_aligned: boolean; compression_level: number };
  environment: { time_time: number; datetime_now_utc: string; hostname: string };
}

/** Writer options that reproduce the vector, with sources under `dir` (a copy made by copyInputs). */
export function vectorOptions(dir: string): WritePackageOptions | null {
  const file = path.join(dir, 'build.json');
  if (!fs.existsSync(file)) return null; // a4 is derived, not built
  const b = JSON.parse(fs.readFileSync(file, 'utf8')) as BuildJson;
  const keys: KeySpec = b.keys.mode === 'seed' ? { seed: b.keys.seed } : { key: keyFromRawPrivate(Buffer.from(b.keys.replay_private_key_hex, 'hex')) };
  const slots: SlotInput[] = b.slots.map((s) => ({
    id: s.id,
    content: { kind: 'path', path: path.join(dir, s.source) },
    source: s.source,
    operations: s.operations,
    purpose: s.purpose,
    lifecycle: s.lifecycle,
    target: s.target,
    permissions: s.permissions,
    recordedSize: s.reference_recorded_size,
  }));
  return {
    launcher: fs.readFileSync(path.join(dir, b.launcher)),
    metadata: b.metadata,
    slots,
    keys,
    pageAligned: b.options.page_aligned,
    compressionLevel: b.options.compression_level,
    gzipMtime: Math.floor(b.environment.time_time),
    build: { host: b.environment.hostname, timestamp: b.environment.datetime_now_utc },
  };
}
