/** `cogpack pspf verify|inspect|extract|extract-all`: the read side of the CLI. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../errors';
import { descriptorMode } from '../descriptor';
import { PspfError } from '../errors';
import { fdSource, type ByteSource } from '../byte-source';
import { installSlots, openPackageFd, openPackageFile, writeOutputFile } from '../files';
import { readFlagFile } from '../../regular-file';
import { describePackage } from '../inspect';
import { packageNameProblem, workenvKey } from '../workenv-key';
import { publicKeyFromFile } from '../keys';
import { OP, operationsToString, unpackOperations } from '../operations';
import { readSlot, type PspfPackage } from '../reader';
import { extractTar } from '../extract';
import { verifyPackage, type SignaturePolicy, type VerifyOptions } from '../verify';

export interface PolicyFlags {
  requireSignature?: boolean;
  signature?: string;
  publicKey?: string;
}

export function policyFrom(f: PolicyFlags): VerifyOptions {
  const policy = f.requireSignature ? 'required' : (f.signature ?? 'required');
  if (!['required', 'optional', 'off'].includes(policy)) throw new UsageError('E_PSPF_FLAG', `--signature must be required, optional or off, got "${policy}"`);
  if (f.requireSignature && f.signature && f.signature !== 'required')
    throw new UsageError('E_PSPF_FLAG', '--require-signature contradicts --signature ' + f.signature);
  const trustedPublicKey = f.publicKey ? publicKeyFromFile(readFlagFile(f.publicKey, 'key', '--public-key'), f.publicKey) : undefined;
  return { signature: policy as SignaturePolicy, trustedPublicKey };
}

/** Exit 0 only when index, package size, metadata, every slot and (per policy) the signature check out. */
export function runVerify(file: string, f: PolicyFlags & { json?: boolean }): void {
  const report = withFile(file, (src) => verifyPackage(src, policyFrom(f)));
  const v = report.verdicts;
  if (f.json) process.stdout.write(`${JSON.stringify({ package: file, ...v, problems: report.problems }, null, 2)}\n`);
  else {
    const mark = (ok: boolean | null): string => (ok === null ? 'skipped' : ok ? 'ok' : 'FAILED');
    const lines = [
      `index checksum: ${mark(v.index_checksum_ok)}`,
      `package size: ${mark(v.package_size_matches_file)}`,
      `metadata checksum: ${mark(v.metadata_checksum_ok)}`,
      `package name: ${mark(v.package_name_ok)}`,
      // a slot is ok when its bytes, descriptor and contents all pass (the problems name which did not)
      ...v.slot_checksums_ok.map(
        (ok, i) =>
          `slot ${i} (${report.metadata?.slots[i]?.id ?? '?'}): ${mark(ok && v.slot_operations_ok[i] && v.slot_permissions_ok[i] && v.slot_contents_ok[i])}`,
      ),
      `signature: ${mark(v.signature_ok)}`,
      `${file}: ${v.valid ? 'valid' : 'INVALID'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!v.valid) throw new PspfError('E_PSPF_VERIFY', `${file} failed verification: ${report.problems.join('; ')}`);
}

export function runInspect(file: string, f: { json?: boolean }): void {
  const { src: buf, pkg, close } = openPackageFile(file);
  try {
    inspectOpened(file, buf, pkg, f);
  } finally {
    close();
  }
}

function inspectOpened(file: string, buf: ByteSource, pkg: PspfPackage, f: { json?: boolean }): void {
  const name = pkg.metadata.package.name;
  const workenv = packageNameProblem(name) === undefined ? workenvKey(name, pkg.metadataJson) : null;
  if (f.json) {
    process.stdout.write(`${JSON.stringify({ package: file, workenv_key: workenv, ...describePackage(buf, pkg, pkg.metadata) }, null, 2)}\n`);
    return;
  }
  const n = pkg.index.numbers;
  const lines = [
    `package: ${pkg.metadata.package.name} ${pkg.metadata.package.version}`,
    `format: PSPF/2025 (format_version 0x${n.format_version.toString(16)}), ${buf.size} bytes, launcher ${n.launcher_size} bytes`,
    `metadata: ${n.metadata_size} bytes at ${n.metadata_offset}; slot table: ${n.slot_count} at ${n.slot_table_offset}; capabilities 0x${n.capabilities.toString(16)}`,
    `public key: ${pkg.index.publicKey.toString('hex')}`,
    `work environment: ${workenv ?? `none (package name: ${packageNameProblem(name)})`}`,
    `command: ${pkg.metadata.execution.command}`,
    'slots:',
    ...pkg.slots.map((d, i) => {
      const s = pkg.metadata.slots[i];
      const ops = operationsToString(unpackOperations(d.operations));
      return `  [${i}] ${s.id}: ${ops}, ${d.size} B stored (${d.original_size} B original) @${d.offset}, ${s.purpose}/${s.lifecycle}, target ${s.target}, mode 0${descriptorMode(d).toString(8)}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function slotIndex(pkg: PspfPackage, text: string): number {
  const i = /^\d+$/.test(text) ? Number(text) : pkg.metadata.slots.findIndex((s) => s.id === text);
  if (i < 0 || i >= pkg.slots.length) throw new UsageError('E_PSPF_FLAG', `no slot "${text}" (the package has ${pkg.slots.length})`);
  return i;
}

/** Runs `f` on the package opened for random access (nothing is loaded whole), closing it afterwards. */
function withFile<T>(file: string, f: (src: ByteSource) => T): T {
  const fd = openPackageFd(file);
  try {
    return f(fdSource(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens and verifies (per policy) before anything is extracted; a bad slot other than the one asked for does
 * not block extraction (readSlot checks each slot's checksum, declared size and, when unpacking, tar paths).
 */
function withVerified(file: string, f: PolicyFlags, run: (buf: ByteSource, pkg: PspfPackage) => void): void {
  const { src, pkg, close } = openPackageFile(file);
  try {
    const report = verifyPackage(src, policyFrom(f));
    const bad = report.problems.filter((p) => !/^slot \d+ /.test(p));
    if (bad.length > 0) throw new PspfError('E_PSPF_VERIFY', `${file} failed verification: ${bad.join('; ')}`);
    run(src, pkg);
  } finally {
    close();
  }
}

/** Writes one decoded slot (gzip undone; tar slots as .tar bytes, or unpacked into OUT with --unpack). */
export function runExtract(file: string, idx: string, out: string, f: PolicyFlags & { force?: boolean; unpack?: boolean }): void {
  withVerified(file, f, (buf, pkg) => extractOne(buf, pkg, idx, out, f));
}

function extractOne(buf: ByteSource, pkg: PspfPackage, idx: string, out: string, f: { force?: boolean; unpack?: boolean }): void {
  const i = slotIndex(pkg, idx);
  const data = readSlot(buf, pkg, i);
  const isTar = unpackOperations(pkg.slots[i].operations)[0] === OP.TAR;
  if (f.unpack && isTar) {
    if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !f.force)
      throw new PspfError('E_PSPF_EXISTS', `${out} is not empty`, { hint: 'pass --force to unpack into it' });
    extractTar(data, out);
  } else writeOutputFile(out, data, { force: f.force });
  process.stdout.write(`slot ${i} (${pkg.metadata.slots[i].id}) → ${out}\n`);
}

/** Every slot as `NN_<id>[.tar]` in DIR, or with --unpack placed the way the launcher lays out a workenv. */
export function runExtractAll(file: string, dir: string, f: PolicyFlags & { force?: boolean; unpack?: boolean }): void {
  withVerified(file, f, (buf, pkg) => extractEvery(buf, pkg, dir, f));
}

function extractEvery(buf: ByteSource, pkg: PspfPackage, dir: string, f: { force?: boolean; unpack?: boolean }): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && !f.force) throw new PspfError('E_PSPF_EXISTS', `${dir} is not empty`, { hint: 'pass --force' });
  if (f.unpack) {
    installSlots(buf, pkg, dir);
    process.stdout.write(`${pkg.slots.length} slots installed into ${dir}\n`);
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  pkg.slots.forEach((d, i) => {
    const safeId = pkg.metadata.slots[i].id.replace(/[^A-Za-z0-9._-]/g, '_');
    const suffix = unpackOperations(d.operations)[0] === OP.TAR ? '.tar' : '';
    const out = path.join(dir, `${String(i).padStart(2, '0')}_${safeId}${suffix}`);
    writeOutputFile(out, readSlot(buf, pkg, i), { force: f.force });
    process.stdout.write(`${out}\n`);
  });
}
