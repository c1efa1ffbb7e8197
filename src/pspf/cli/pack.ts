/** `cogpack pspf pack`: options from a `[tool.flavor]` manifest and/or flags → a signed, verified .psp file. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, InternalError } from '../../errors';
import { fdSource } from '../byte-source';
import { writePackageToFile } from '../stream-writer';
import { keyFromFile, publicKeyFromFile } from '../keys';
import type { Deflater } from '../gzip';
import { ensureLauncher } from '../launcher/build-launcher';
import { loadManifest, manifestSections, manifestSlots, type LoadedManifest } from '../manifest';
import type { JsonObject, MetadataInput } from '../metadata';
import { verifyPackage } from '../verify';
import type { KeySpec, SlotInput, WritePackageOptions } from '../writer';
import { readFlagFile } from '../../regular-file';

export interface PackFlags {
  manifest?: string;
  output?: string;
  launcher?: string;
  keySeed?: string;
  privateKey?: string;
  publicKey?: string;
  packageName?: string;
  packageVersion?: string;
  description?: string;
  command?: string;
  primarySlot?: string;
  slot: string[];
  env: string[];
  pageAlign: boolean;
  compressionLevel?: string;
  gzipMtime?: string;
  deflate?: string;
  force?: boolean;
  json?: boolean;
}

const SLOT_KEYS = new Set(['id', 'source', 'operations', 'purpose', 'lifecycle', 'target', 'permissions']);

/** `id=app,source=dir,operations=tar.gz,purpose=code,lifecycle=runtime,target={workenv},permissions=0755` */
export function parseSlotFlag(spec: string, baseDir: string): SlotInput {
  const kv: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    if (eq < 1 || !SLOT_KEYS.has(k)) throw new UsageError('E_PSPF_SLOT_FLAG', `--slot "${spec}": "${part}" is not one of ${[...SLOT_KEYS].join('|')}=VALUE`);
    kv[k] = part.slice(eq + 1);
  }
  if (!kv.id || !kv.source) throw new UsageError('E_PSPF_SLOT_FLAG', `--slot "${spec}" needs id= and source=`);
  return {
    id: kv.id,
    content: { kind: 'path', path: path.resolve(baseDir, kv.source) },
    source: kv.source,
    operations: kv.operations,
    purpose: kv.purpose,
    lifecycle: kv.lifecycle,
    target: kv.target,
    permissions: kv.permissions,
  };
}

function intFlag(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError('E_PSPF_FLAG', `${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

function deflaterFlag(v: string | undefined): Deflater {
  if (v === undefined || v === 'reference' || v === 'native') return v ?? 'reference';
  throw new UsageError('E_PSPF_FLAG', `--deflate must be reference or native, got "${v}"`);
}

function envFlags(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError('E_PSPF_FLAG', `--env "${p}" is not NAME=VALUE`);
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return env;
}

function keySpec(f: PackFlags): KeySpec {
  if (f.keySeed !== undefined && f.privateKey) throw new UsageError('E_PSPF_FLAG', '--key-seed and --private-key exclude each other');
  if (f.keySeed !== undefined) return { seed: f.keySeed };
  if (f.publicKey && !f.privateKey) throw new UsageError('E_PSPF_FLAG', '--public-key needs --private-key');
  if (f.privateKey) {
    const key = keyFromFile(readFlagFile(f.privateKey, 'key', '--private-key'), f.privateKey);
    if (f.publicKey && !publicKeyFromFile(readFlagFile(f.publicKey, 'key', '--public-key'), f.publicKey).equals(key.publicKeyRaw)) {
      throw new UsageError('E_PSPF_KEY_PAIR', `${f.publicKey} is not the public half of ${f.privateKey}`);
    }
    return { key };
  }
  return { ephemeral: true };
}

function metadataFrom(f: PackFlags, m: LoadedManifest | undefined): MetadataInput {
  const name = f.packageName ?? m?.name;
  const version = f.packageVersion ?? m?.version;
  const command = f.command ?? m?.flavor.command;
  if (!name || !version)
    throw new UsageError('E_PSPF_FLAG', 'the package needs a name and version', { hint: 'use --manifest pyproject.toml or --package-name/--package-version' });
  if (!command) throw new UsageError('E_PSPF_FLAG', 'the package needs a command', { hint: 'set tool.flavor.command or pass --command' });
  const pkg: JsonObject = { name, version };
  const description = f.description ?? m?.description;
  if (description) pkg.description = description;
  const env = { ...(m?.flavor.execution?.env ?? {}), ...envFlags(f.env) };
  const execution: JsonObject = { primary_slot: intFlag(f.primarySlot, '--primary-slot') ?? m?.flavor.primary_slot ?? 0, command };
  if (Object.keys(env).length > 0) execution.env = env;
  return { package: pkg, execution, ...(m ? manifestSections(m.flavor) : {}) };
}

/** Everything `pack` will write, resolved from the manifest and flags (flags win). */
export function packOptions(f: PackFlags, cwd = process.cwd()): { opts: WritePackageOptions; output: string } {
  const m = f.manifest ? loadManifest(path.resolve(cwd, f.manifest)) : undefined;
  const baseDir = m?.dir ?? cwd;
  const slots = [...(m ? manifestSlots(m) : []), ...f.slot.map((s) => parseSlotFlag(s, cwd))];
  if (slots.length === 0) throw new UsageError('E_PSPF_FLAG', 'the package has no slots', { hint: 'add [[tool.flavor.slots]] or --slot id=…,source=…' });
  const metadata = metadataFrom(f, m);
  const launcherPath = f.launcher ?? (m?.flavor.launcher ? path.resolve(baseDir, m.flavor.launcher) : ensureLauncher());
  const output = f.output ? path.resolve(cwd, f.output) : path.resolve(baseDir, m?.flavor.output ?? `dist/${metadata.package.name}.psp`);
  const opts: WritePackageOptions = {
    launcher: readFlagFile(launcherPath, 'executable', 'launcher'),
    metadata,
    slots,
    keys: keySpec(f),
    pageAligned: f.pageAlign && (m?.flavor.page_aligned ?? true),
    compressionLevel: intFlag(f.compressionLevel, '--compression-level') ?? m?.flavor.compression_level ?? 6,
    gzipMtime: intFlag(f.gzipMtime, '--gzip-mtime') ?? 0,
    deflater: deflaterFlag(f.deflate),
  };
  return { opts, output };
}

export function runPack(f: PackFlags): void {
  const { opts, output } = packOptions(f);
  const { size } = writePackageToFile(opts, output, f.force);
  const fd = fs.openSync(output, 'r');
  let report;
  let pub: string;
  try {
    const src = fdSource(fd);
    report = verifyPackage(src, { signature: 'required' });
    pub = src.read(size - 8196 + 64, 32).toString('hex'); // index public_key
  } finally {
    fs.closeSync(fd);
  }
  if (!report.verdicts.valid) throw new InternalError('E_PSPF_SELF_VERIFY', `the package just written does not verify: ${report.problems.join('; ')}`);
  if (opts.keys && 'ephemeral' in opts.keys) {
    process.stderr.write(
      'note: signed with a one-off key (as the reference does); pass --key-seed or --private-key for reproducible output and a key you can pin\n',
    );
  }
  const summary = { output, size, slots: opts.slots.length, public_key: pub };
  process.stdout.write(
    f.json ? `${JSON.stringify(summary, null, 2)}\n` : `wrote ${output} (${size} bytes, ${opts.slots.length} slots, verified, public key ${pub})\n`,
  );
}
