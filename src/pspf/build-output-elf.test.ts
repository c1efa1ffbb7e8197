/** DT_NEEDED parsing on real ELF files of this machine, and its failure modes. */
import * as fs from 'node:fs';
import { elfNeeded, isElf } from './build-output-elf';

describe('elfNeeded', () => {
  test('lists the host python3 interpreter libraries, libc among them', () => {
    const python = fs.realpathSync('/usr/bin/python3');
    const needed = elfNeeded(fs.readFileSync(python));
    expect(needed).toContain('libc.so.6');
    expect(needed.every((n) => /\.so/.test(n))).toBe(true);
  });

  test('non-ELF and truncated input give no names', () => {
    expect(elfNeeded(Buffer.from('#!/bin/sh\n'))).toEqual([]);
    const head = fs.readFileSync('/bin/sh').subarray(0, 80);
    expect(isElf(head)).toBe(true);
    expect(elfNeeded(head)).toEqual([]);
  });
});
