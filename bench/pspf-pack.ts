/**
 * Pack throughput: what `cogpack pspf pack` runs (writePackageToFile) on a real directory tree as one tar.gz slot (level 6, the default) against
 * `tar -cf - | gzip -6` of the same tree, interleaved so load on a shared machine hits both alike.
 * Usage: npx tsx bench/pspf-pack.ts [runs] [dir]   (default tree: /usr/lib/python3.11, a Python stdlib)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Deflater } from '../src/pspf/gzip';
import { collectDir } from '../src/pspf/tar-writer';
import { writePackageToFile } from '../src/pspf/stream-writer';

const RUNS = Number(process.argv[2] ?? 3);
const DIR = process.argv[3] ?? '/usr/lib/python3.11';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function ms(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function treeBytes(): number {
  return collectDir(DIR).reduce((n, e) => n + (e.data?.length ?? 0), 0);
}

function ours(deflater: Deflater = 'reference'): number {
  let size = 0;
  const out = path.join(os.tmpdir(), `pspf-bench-${process.pid}.psp`);
  const t = ms(() => {
    size = writePackageToFile(
      {
        launcher: Buffer.from('#!/bin/sh\n'),
        metadata: { package: { name: 'bench', version: '1' }, execution: { primary_slot: 0, command: '{workenv}/bin/python3' } },
        slots: [{ id: 'tree', content: { kind: 'path', path: DIR }, operations: 'tar.gz', target: '{workenv}' }],
        keys: { seed: 'bench' },
        deflater,
      },
      out,
      true,
    ).size;
  });
  fs.rmSync(out, { force: true });
  lastSize[deflater] = size;
  return t;
}

function tarGzip(): number {
  return ms(() => {
    const r = spawnSync('sh', ['-c', 'tar -cf - -C "$1" . | gzip -6 | wc -c', 'sh', DIR], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar | gzip failed: ${r.stderr}`);
    lastSize.tar = Number(r.stdout.trim());
  });
}

const lastSize = { reference: 0, native: 0, tar: 0 };

function main(): void {
  if (!fs.existsSync(DIR)) throw new Error(`${DIR} does not exist; pass a directory`);
  const mb = treeBytes() / 1e6;
  const files = collectDir(DIR).length;
  ours(); // warm the page cache and the JIT for both
  tarGzip();
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(ours());
    b.push(tarGzip());
    c.push(ours('native'));
  }
  const mo = median(a);
  const mt = median(b);
  const mn = median(c);
  console.log(`tree: ${path.resolve(DIR)}  ${files} files, ${mb.toFixed(1)} MB`);
  const line = (label: string, m: number, bytes: number): void =>
    console.log(
      `${label.padEnd(52)} median ${m.toFixed(0).padStart(6)} ms  ${(mb / (m / 1000)).toFixed(1).padStart(6)} MB/s  → ${(bytes / 1e6).toFixed(2)} MB`,
    );
  line('cogpack pspf pack, tar.gz level 6, --deflate reference', mo, lastSize.reference);
  line('cogpack pspf pack, tar.gz level 6, --deflate native', mn, lastSize.native);
  line('tar -cf - | gzip -6', mt, lastSize.tar);
  console.log(`ratio cogpack/tar|gzip time: reference ${(mo / mt).toFixed(2)}, native ${(mn / mt).toFixed(2)}   (n=${RUNS} interleaved runs)`);
}

main();
