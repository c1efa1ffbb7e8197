/**
 * Issue 15, class 5: hostile package names, descriptor modes, declared sizes and key pins, run through the real
 * launcher and, where a package is read, through `cogpack pspf verify` / `extract-all --unpack` as well.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { main } from '../../cli';
import { keyFromSeed } from '../keys';
import { encodeHeader, padToBlock, TYPE } from '../tar-header';
import { descriptorAt } from '../testing/packages';
import { verifyPackage } from '../verify';
import { writePrepared } from '../writer';
import { launcherBytes } from './build-launcher';
import { packApp, runEnv, runPackage, signedWithName, tempDir, treeSlot, workenvKeyOf, workenvOf } from './test-packages';

jest.setTimeout(180_000);

let dir: string;
beforeAll(() => (dir = tempDir('hostile')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';

/** Every path under root with its kind and, for files, content: a before/after fingerprint of a cache. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = e.isSymbolicLink() ? 'link' : `${fs.statSync(path.join(root, r)).ino}:${fs.readFileSync(path.join(root, r), 'utf8')}`;
    }
  };
  walk('');
  return out;
}

/** `cogpack pspf ARGS…` in-process: exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = 0;
  try {
    await main(['node', 'cogpack', 'pspf', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

describe("(a) the workenv key comes from the signed name and stays inside the package's own directories", () => {
  // entries named like other packages' directories: with the key "." or ".." they would land on them
  const hostileSlots = [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho hostile\n'], 'good/pwned': [0o644, 'x'], 'workenv/pwned': [0o644, 'x'] })];
  const goodSlots = [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho good\n'] })];
  const entries = (cache: string): string[] => fs.readdirSync(path.join(cache, 'workenv')).sort();

  test.each([['..psp'], ['...psp'], ['.psp'], ['.good.pspf.psp'], ['-rf.psp'], ['x\\..\\y.psp']])(
    'a package file renamed %s runs under its signed name and touches no other cache',
    (name) => {
      const cache = path.join(dir, `cache-file-${name}`);
      const good = packApp(dir, 'good', goodSlots);
      expect(runPackage(good, [], runEnv(cache)).stdout).toBe('good\n');
      const before = snapshot(cache);
      const hostile = path.join(dir, name);
      fs.copyFileSync(packApp(dir, 'hostile', hostileSlots), hostile);
      expect(runPackage(hostile, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'hostile\n' });
      const mine = workenvOf(cache, hostile);
      expect(path.basename(mine.dir)).toMatch(/^hostile-[0-9a-f]{16}$/);
      expect(fs.readFileSync(path.join(mine.dir, 'workenv/pwned'), 'utf8')).toBe('x');
      const after = snapshot(cache);
      for (const [k, v] of Object.entries(before)) expect([k, after[k]]).toEqual([k, v]); // nothing of "good" changed
      expect(
        Object.keys(after)
          .filter((k) => !(k in before))
          .every((k) => k.startsWith(`workenv/${path.basename(mine.dir)}`) || k.startsWith(`workenv/.${path.basename(mine.dir)}.pspf`)),
      ).toBe(true);
      expect(runPackage(good, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'good\n', stderr: '' }); // still cached
      fs.rmSync(hostile);
    },
  );

  test('a package reached through a path with "x/../" in it runs as itself', () => {
    const cache = path.join(dir, 'cache-dotpath');
    const pkg = packApp(dir, 'viapath', goodSlots);
    fs.mkdirSync(path.join(dir, 'x'), { recursive: true });
    const via = `${dir}/x/../viapath.psp`;
    expect(runPackage(via, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'good\n' });
    expect(entries(cache)).toEqual([`.${workenvKeyOf(pkg)}.pspf`, workenvKeyOf(pkg)]);
  });

  // signed names a hostile signer might choose: each is refused by the writer, by verify and by the launcher
  const HOSTILE: Array<[string, string]> = [
    ['..', 'it starts with ".", "-" or "+"'],
    ['.', 'it starts with ".", "-" or "+"'],
    ['...', 'it starts with ".", "-" or "+"'],
    ['.good', 'it starts with ".", "-" or "+"'],
    ['-rf', 'it starts with ".", "-" or "+"'],
    ['x/../y', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['../../etc', 'it starts with ".", "-" or "+"'],
    ['a/b', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['tab\there', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['caf\u00e9', 'only letters, digits, ".", "_", "+" and "-" may appear in it'],
    ['', 'it is empty'],
    ['n'.repeat(129), 'it is longer than 128 bytes'],
  ];

  test.each(HOSTILE)('signed name %j: the writer refuses it, verify fails it, the launcher exits 108 and writes nothing', async (name, why) => {
    expect(() => packApp(dir, 'w', goodSlots, { package: { name, version: '1' } })).toThrow(`cannot name a work environment: ${why}`);
    const cache = path.join(dir, `cache-signed-${Buffer.from(name).toString('hex').slice(0, 40)}`);
    const good = packApp(dir, 'good', goodSlots);
    expect(runPackage(good, [], runEnv(cache)).stdout).toBe('good\n');
    const before = snapshot(cache);
    const file = signedWithName(packApp(dir, 'forged', hostileSlots), path.join(dir, 'forged-named.psp'), name, 'launcher-test-forged');
    const v = verifyPackage(fs.readFileSync(file));
    expect(v.verdicts).toMatchObject({ signature_ok: true, package_name_ok: false, valid: false });
    expect(v.problems.join('\n')).toContain(`cannot name a work environment: ${why}`);
    const r = runPackage(file, [], runEnv(cache));
    expect(r).toMatchObject({ status: 108, stdout: '' });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(lastLine(r.stderr)).toMatch(new RegExp(`^pspf-launcher: package name ".*" cannot name a work environment: ${why.replace(/[.+"-]/g, '\\$&')}$`));
    expect(snapshot(cache)).toEqual(before);
    const info = await cli('inspect', file);
    expect(info.out).toContain(`work environment: none (package name: ${why})`);
  });

  test("the same file name, two packages: neither touches the other's workenv", () => {
    const cache = path.join(dir, 'cache-two');
    const one = packApp(dir, 'same', [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\ncat "$FLAVOR_WORKENV/v"\n'], v: [0o644, 'one\n'] })]);
    const oneCopy = path.join(dir, 'same-one.psp');
    fs.copyFileSync(one, oneCopy);
    const two = packApp(dir, 'same', [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\ncat "$FLAVOR_WORKENV/v"\n'], v: [0o644, 'two\n'] })]);
    expect(runPackage(oneCopy, [], runEnv(cache)).stdout).toBe('one\n');
    const first = snapshot(cache);
    expect(runPackage(two, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'two\n' });
    expect(workenvKeyOf(two)).not.toBe(workenvKeyOf(oneCopy));
    const both = snapshot(cache);
    for (const [k, v] of Object.entries(first)) expect([k, both[k]]).toEqual([k, v]);
    expect(runPackage(oneCopy, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'one\n', stderr: '' }); // warm, not re-extracted
    expect(entries(cache)).toEqual([`.${workenvKeyOf(oneCopy)}.pspf`, `.${workenvKeyOf(two)}.pspf`, workenvKeyOf(oneCopy), workenvKeyOf(two)].sort());
  });

  test('an init slot whose target climbs out of the extraction directory deletes nothing outside it', () => {
    const cache = path.join(dir, 'cache-init');
    const pkg = packApp(dir, 'initdots', [
      treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho ok\n'] }),
      { ...treeSlot('init', { 'x/y': [0o644, 'y'] }), target: '{workenv}/..', lifecycle: 'init' },
    ]);
    // another extraction in progress (pid 1 is alive): {workenv}/.. is tmp/, which held it
    const sentinel = path.join(workenvOf(cache, pkg).meta, 'tmp/1/keep');
    fs.mkdirSync(path.dirname(sentinel), { recursive: true });
    fs.writeFileSync(sentinel, 'mine');
    expect(runPackage(pkg, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'ok\n' });
    expect(fs.readFileSync(sentinel, 'utf8')).toBe('mine');
  });

  test('an init slot is never removed through a symlink that setup made to a place outside', () => {
    const cache = path.join(dir, 'cache-initlink');
    const outside = path.join(dir, 'outside-initlink');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'precious'), 'keep');
    const pkg = packApp(
      dir,
      'initlink',
      [
        treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho ok\n'] }),
        { id: 'cfg', content: { kind: 'bytes', data: Buffer.from('c') }, operations: 'raw', target: '{workenv}/out/precious', lifecycle: 'init' },
      ],
      { setup_commands: [{ type: 'execute', command: `/bin/sh -c "rm -rf {workenv}/out && ln -s ${outside} {workenv}/out"` }] },
    );
    expect(runPackage(pkg, [], runEnv(cache))).toMatchObject({ status: 0, stdout: 'ok\n' });
    expect(fs.readFileSync(path.join(outside, 'precious'), 'utf8')).toBe('keep');
  });
});

describe('(b) descriptor permission bits are checked against the signed metadata and never setuid/setgid/world-write', () => {
  const secretSlot = {
    id: 'secret',
    content: { kind: 'bytes' as const, data: Buffer.from('s3cret\n') },
    operations: 'raw',
    target: '{workenv}/etc/secret',
    permissions: '0600',
  };
  const app = treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\nstat -c %a "$FLAVOR_WORKENV/etc/secret"\n'] });

  test('a 0600 slot whose descriptor was made 06777: launcher (102), verify and extract-all --unpack all refuse', async () => {
    const file = packApp(dir, 'modes', [app, secretSlot]);
    const b = fs.readFileSync(file);
    b.writeUInt16LE(0o6777, descriptorAt(b, 1, 62)); // the slot table is covered by no checksum
    fs.writeFileSync(file, b);
    const cache = path.join(dir, 'cache-modes');
    const r = runPackage(file, [], runEnv(cache));
    expect(r.status).toBe(102);
    expect(lastLine(r.stderr)).toBe("pspf-launcher: slot 1 (secret): descriptor permissions 06777 differ from the signed metadata's 0600");
    expect(fs.existsSync(path.join(workenvOf(cache, file).dir, 'etc/secret'))).toBe(false);
    const v = verifyPackage(b);
    expect(v.verdicts).toMatchObject({ valid: false, slot_permissions_ok: [true, false] });
    const out = path.join(dir, 'unpack-modes');
    const x = await cli('extract-all', file, out, '--unpack');
    expect(x.code).toBe(4);
    expect(lastLine(x.err)).toMatch(/descriptor permissions 06777 differ from the signed metadata's 0600/);
    expect(fs.existsSync(path.join(out, 'etc/secret'))).toBe(false);
    const text = await cli('verify', file);
    expect(text.code).toBe(4);
    expect(text.out).toMatch(/^slot 0 \(app\): ok\nslot 1 \(secret\): FAILED$/m);
  });

  test('signed setuid/setgid/world-write modes (slot and tar members) are written without those bits, by the launcher and by extract-all --unpack', async () => {
    const script = Buffer.from('#!/bin/sh\nstat -c %a "$FLAVOR_WORKENV/etc/secret" "$FLAVOR_WORKENV/bin/suid" "$FLAVOR_WORKENV/share"\n');
    const member = (name: string, mode: number, type: string, data = Buffer.alloc(0)): Buffer[] => [
      encodeHeader({ name, mode, size: data.length, type }),
      data,
      Buffer.alloc(padToBlock(data.length)),
    ];
    const tar = Buffer.concat([
      ...member('bin/app.sh', 0o755, TYPE.FILE, script),
      ...member('bin/suid', 0o6777, TYPE.FILE, Buffer.from('x')),
      ...member('share/', 0o1777, TYPE.DIR),
      Buffer.alloc(1024),
    ]);
    const tree = { id: 'app', content: { kind: 'bytes' as const, data: tar }, operations: 'tar', target: '{workenv}' };
    const file = packApp(dir, 'suid', [tree, { ...secretSlot, permissions: '6777' }]);
    expect(verifyPackage(fs.readFileSync(file)).verdicts.valid).toBe(true); // consistent and signed: valid
    const r = runPackage(file, [], runEnv(path.join(dir, 'cache-suid')));
    expect(r).toMatchObject({ status: 0, stdout: '775\n775\n775\n' });
    const out = path.join(dir, 'unpack-suid');
    expect((await cli('extract-all', file, out, '--unpack')).code).toBe(0);
    for (const rel of ['etc/secret', 'bin/suid', 'share']) expect((fs.statSync(path.join(out, rel)).mode & 0o7777).toString(8)).toBe('775');
  });
  test('setup chmod and workenv.directories modes are masked the same way (launcher)', () => {
    const script = '#!/bin/sh\nstat -c %a "$FLAVOR_WORKENV/bin/tool" "$FLAVOR_WORKENV/pub"\n';
    const file = packApp(dir, 'setupmodes', [treeSlot('app', { 'bin/app.sh': [0o755, script], 'bin/tool': [0o755, 'x'] })], {
      setup_commands: [{ type: 'chmod', path: '{workenv}/bin/tool', mode: '6777' }],
      workenv: { directories: [{ path: '{workenv}/pub', mode: '0777' }] },
    });
    expect(runPackage(file, [], runEnv(path.join(dir, 'cache-setupmodes')))).toMatchObject({ status: 0, stdout: '775\n775\n' });
  });
});

describe("(d) declared sizes: bounded work, the launcher's own exit code, nothing left in cache/tmp", () => {
  const ZEROS = 64 << 20;
  const bomb = zlib.gzipSync(Buffer.alloc(ZEROS), { level: 1 }); // 64 MiB of zeros in ~290 KiB

  /** A package whose gzip slot holds `bomb` and declares original_size (patched after writing for u64 values). */
  function sized(name: string, originalSize: bigint): string {
    const bytes = writePrepared(
      {
        launcher: launcherBytes(),
        metadata: { package: { name, version: '1' }, execution: { primary_slot: 0, command: '{workenv}/blob' } },
        slots: [{ id: 'blob', content: { kind: 'bytes', data: Buffer.alloc(0) }, operations: 'gzip', target: '{workenv}/blob' }],
        keys: { seed: 'sizes' },
      },
      [{ stored: bomb, originalSize: 1, ops: [0x10], statSize: 1 }],
    );
    bytes.writeBigUInt64LE(originalSize, descriptorAt(bytes, 0, 32));
    const file = path.join(dir, `${name}.psp`);
    fs.writeFileSync(file, bytes, { mode: 0o755 });
    return file;
  }

  /** What is left in any package's tmp/ under the cache (each test has a cache of its own). */
  function tmpLeft(cache: string): string[] {
    const root = path.join(cache, 'workenv');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).flatMap((d) => (fs.existsSync(path.join(root, d, 'tmp')) ? fs.readdirSync(path.join(root, d, 'tmp')) : []));
  }

  test('original_size 2^64-1 is refused before inflating (exit 102, well under a second of work)', () => {
    const cache = path.join(dir, 'cache-huge');
    const t0 = Date.now();
    const r = runPackage(sized('huge', 2n ** 64n - 1n), [], runEnv(cache));
    expect(r.status).toBe(102);
    expect(lastLine(r.stderr)).toBe(
      `pspf-launcher: slot 0 (blob): original_size 18446744073709551615 is more than gzip can produce from ${bomb.length} stored bytes`,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(tmpLeft(cache)).toEqual([]);
    expect(() => verifyPackage(fs.readFileSync(path.join(dir, 'huge.psp')))).toThrow(/original_size/);
  });

  test.each([
    ['a plausible size below the real one', 1n << 20n, 'slot blob: decompresses beyond its declared size (1048576 bytes)'],
    ['a plausible size above the real one', BigInt(ZEROS) + 1n, `slot blob: decompressed to ${ZEROS} bytes, declared ${ZEROS + 1}`],
  ])('%s: the launcher stops at the declared size (exit 103) and removes its partial extraction', (_n, declared, message) => {
    const name = `sized${declared}`;
    const cache = path.join(dir, `cache-${name}`);
    const file = sized(name, declared);
    const r = runPackage(file, [], runEnv(cache));
    expect(r.status).toBe(103);
    expect(lastLine(r.stderr)).toBe(`pspf-launcher: ${message}`);
    expect(tmpLeft(cache)).toEqual([]);
    expect(fs.existsSync(path.join(workenvOf(cache, file).dir, 'blob'))).toBe(false);
    expect(verifyPackage(fs.readFileSync(path.join(dir, `${name}.psp`))).verdicts).toMatchObject({ valid: false, slot_contents_ok: [false] });
  });

  test('a failure in a later slot removes what earlier slots extracted', () => {
    const cache = path.join(dir, 'cache-later');
    const file = packApp(dir, 'later', [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho no\n'] }), treeSlot('bad', { 'x/../../out': [0o644, 'x'] })]);
    const r = runPackage(file, [], runEnv(cache));
    expect(r.status).toBe(103);
    expect(tmpLeft(cache)).toEqual([]);
  });
});

describe('(e) the trusted-key pin', () => {
  const file = (): string => packApp(dir, 'pinned', [treeSlot('app', { 'bin/app.sh': [0o755, '#!/bin/sh\necho pinned\n'] })]);
  const right = keyFromSeed('launcher-test-pinned').publicKeyRaw.toString('hex');

  test.each([
    ['not hex', 'zz'.repeat(32), ' (not all hex)'],
    ['63 digits', right.slice(1), ''],
    ['a PEM file path', '/etc/keys/flavor-public.key', ' (not all hex)'],
  ])('a malformed pin (%s) says so, exit 105', (_n, pin, tail) => {
    const r = runPackage(file(), [], runEnv(path.join(dir, 'cache-pin'), { COGPACK_PSPF_TRUSTED_KEY: pin }));
    expect(r.status).toBe(105);
    expect(lastLine(r.stderr)).toBe(
      `pspf-launcher: COGPACK_PSPF_TRUSTED_KEY is malformed: expected an Ed25519 public key as 64 hex digits, got ${pin.length} characters${tail}`,
    );
  });

  test('a well-formed pin: the right key runs (any hex case), another key is refused (107)', () => {
    expect(runPackage(file(), [], runEnv(path.join(dir, 'cache-pin2'), { COGPACK_PSPF_TRUSTED_KEY: right.toUpperCase() })).stdout).toBe('pinned\n');
    const other = keyFromSeed('someone-else').publicKeyRaw.toString('hex');
    const r = runPackage(file(), [], runEnv(path.join(dir, 'cache-pin3'), { COGPACK_PSPF_TRUSTED_KEY: other }));
    expect(r.status).toBe(107);
    expect(lastLine(r.stderr)).toBe('pspf-launcher: package is not signed by the trusted key');
  });

  test('verify --public-key with a key that is not Ed25519, or missing, says so', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = path.join(dir, 'rsa.pub');
    fs.writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const r = await cli('verify', file(), '--public-key', rsa);
    expect(r.code).toBe(4);
    expect(r.err.trim().split('\n')[0]).toMatch(/not an Ed25519 public key: it is a rsa key/);
    const missing = await cli('verify', file(), '--public-key', path.join(dir, 'nope.pub'));
    expect(missing.code).toBe(64); // a flag naming a file that is not there: usage
    expect(missing.err).toMatch(/nope\.pub/);
    expect(missing.err).not.toMatch(/\n\s+at /); // one line, no stack
  });
});
