/**
 * Jest globalSetup/globalTeardown: every test run gets its own temporary root (TMPDIR, which os.tmpdir() and the
 * processes tests start read), removed when the run ends. Tests make thousands of throwaway projects, sockets and
 * rootfs exports; without this they stayed in /tmp (23 GB on a developer machine after two sessions).
 * Plain JS: Jest loads these two hooks before any transform is set up for the tests.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const KEY = 'COGPACK_JEST_TMPDIR';

function setup() {
  if (process.env[KEY]) return; // a nested jest (a test that runs jest) shares the outer root
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-jest-'));
  process.env[KEY] = root;
  process.env.TMPDIR = root; // inherited by the workers Jest forks after this hook
  // cogpack's digest cache of large files (planner/inputs/digest-cache.ts) goes there too, not into ~/.cache
  if (process.env.COGPACK_CACHE_DIR === undefined) process.env.COGPACK_CACHE_DIR = path.join(root, 'cogpack-cache');
}

function teardown() {
  const root = process.env[KEY];
  if (!root || !path.basename(root).startsWith('cogpack-jest-')) return;
  fs.rmSync(root, { recursive: true, force: true });
}

module.exports = { setup, teardown };
