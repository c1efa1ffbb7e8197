/** Test and bench support: pack small apps with the real writer and the real launcher, and run them. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { align, sha256 as sha256Of } from '../bytes';
import { TRAILER_SIZE } from '../constants';
import { gzipMetadata } from '../gzip';
import { indexChecksum } from '../index-block';
import { keyFromSeed, signMetadata } from '../keys';
import type { MetadataInput } from '../metadata';
import { readPackage } from '../reader';
import { workenvKey } from '../workenv-key';
import type { TarEntry } from '../tar-writer';
import { writePackage, type SlotInput } from '../writer';
import { launcherBytes } from './build-launcher';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pspf-launcher-${prefix}-`));
}

/** A tar.gz slot holding the given files (path → [mode, content]); member paths carry their own prefix. */
export function treeSlot(id: string, files: Record<string, [number, string | Buffer]>, extra: TarEntry[] = []): SlotInput {
  const entries: TarEntry[] = Object.entries(files).map(([name, [mode, data]]) => ({
    name,
    type: 'file',
    mode,
    data: typeof data === 'string' ? Buffer.from(data) : data,
  }));
  return { id, content: { kind: 'tree', entries: [...entries, ...extra] }, operations: 'tar.gz', target: '{workenv}', purpose: 'code' };
}

/** A one-slot shell app: `bin/app.sh` is the command. */
export function shellAppSlots(script: string): SlotInput[] {
  return [treeSlot('app', { 'bin/app.sh': [0o755, `#!/bin/sh\n${script}\n`] })];
}

/** Writes DIR/NAME.psp (mode 0755) with the real launcher and returns its path. */
export function packApp(dir: string, name: string, slots: SlotInput[], metadata: Partial<MetadataInput> = {}): string {
  const bytes = writePackage({
    launcher: launcherBytes(),
    metadata: {
      package: { name, version: '1.0.0' },
      execution: { primary_slot: 0, command: '{workenv}/bin/app.sh' },
      ...metadata,
    },
    slots,
    keys: { seed: `launcher-test-${name}` },
  });
  const out = path.join(dir, `${name}.psp`);
  fs.writeFileSync(out, bytes, { mode: 0o755 });
  return out;
}

/** The environment a run gets: a private cache, a predictable PATH/HOME, plus extras. */
export function runEnv(cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: os.tmpdir(), FLAVOR_CACHE: cacheDir, ...extra };
}

export function runPackage(pkg: string, args: string[], env: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(pkg, args, { env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runPackageAsync(pkg: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pkg, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Flips one bit of the byte at `offset` in place. */
export function flipByte(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0] ^= 0x01;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
}

/** Offset and stored size of slot i, read straight from the trailer's index and the slot table. */
export function slotRegion(file: string, i: number): { offset: number; size: number } {
  const buf = fs.readFileSync(file);
  const index = buf.subarray(buf.length - 8196, buf.length - 4);
  const table = Number(index.readBigUInt64LE(40));
  const d = buf.subarray(table + i * 64, table + (i + 1) * 64);
  return { offset: Number(d.readBigUInt64LE(16)), size: Number(d.readBigUInt64LE(24)) };
}

/** Rewrites the index's Adler-32 after an edit, so a test can reach the checks behind it. */
export function fixIndexChecksum(file: string): void {
  const buf = fs.readFileSync(file);
  const start = buf.length - 8196;
  const index = Buffer.from(buf.subarray(start, start + 8192));
  index.writeUInt32LE(0, 4);
  let a = 1;
  let b = 0;
  for (const byte of index) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  buf.writeUInt32LE(((b << 16) | a) >>> 0, start + 4);
  fs.writeFileSync(file, buf);
}

/** The launcher's workenv key for a package file (the signed name and metadata digest; never the file name). */
export function workenvKeyOf(pkg: string): string {
  const p = readPackage(fs.readFileSync(pkg));
  return workenvKey(p.metadata.package.name, p.metadataJson);
}

/** `<cache>/workenv/<key>` and its bookkeeping directory `<cache>/workenv/.<key>.pspf`. */
export function workenvOf(cache: string, pkg: string): { dir: string; meta: string } {
  const key = workenvKeyOf(pkg);
  return { dir: path.join(cache, 'workenv', key), meta: path.join(cache, 'workenv', `.${key}.pspf`) };
}

/**
 * A copy of `src` whose signed metadata says package.name = `name`, signed again with the seed's key (the
 * writer refuses such names, a hostile signer need not): metadata, slot table and slots are laid out anew.
 */
export function signedWithName(src: string, dest: string, name: string, seed: string): string {
  const buf = fs.readFileSync(src);
  const pkg = readPackage(buf);
  const n = pkg.index.numbers;
  const doc = JSON.parse(pkg.metadataJson.toString('utf8')) as { package: { name: string } };
  doc.package.name = name;
  const json = Buffer.from(JSON.stringify(doc, null, 2));
  const gz = gzipMetadata(json);
  const tableOff = align(n.launcher_size + gz.length, 8);
  const table = Buffer.from(buf.subarray(n.slot_table_offset, n.slot_table_offset + 64 * pkg.slots.length));
  let cursor = tableOff + table.length;
  const offsets = pkg.slots.map((d, i) => {
    cursor = align(cursor, 4096);
    table.writeBigUInt64LE(BigInt(cursor), 64 * i + 16);
    cursor += d.size;
    return cursor - d.size;
  });
  const out = Buffer.alloc(cursor + TRAILER_SIZE);
  buf.copy(out, 0, 0, n.launcher_size);
  gz.copy(out, n.launcher_size);
  table.copy(out, tableOff);
  pkg.slots.forEach((d, i) => buf.copy(out, offsets[i], d.offset, d.offset + d.size));
  buf.copy(out, cursor, buf.length - TRAILER_SIZE);
  const ix = cursor + 4;
  out.writeBigUInt64LE(BigInt(out.length), ix + 8);
  out.writeBigUInt64LE(BigInt(gz.length), ix + 32);
  out.writeBigUInt64LE(BigInt(pkg.slots.length > 0 ? tableOff : 0), ix + 40);
  sha256Of(gz).copy(out, ix + 96);
  signMetadata(json, keyFromSeed(seed)).copy(out, ix + 128);
  out.writeUInt32LE(indexChecksum(out.subarray(ix, ix + 8192)), ix + 4);
  fs.writeFileSync(dest, out, { mode: 0o755 });
  return dest;
}
