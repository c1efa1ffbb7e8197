/** `cogpack pspf`: pack, verify, inspect, extract, extract-all, keygen and workenv for PSPF/2025 (.psp) packages. */
import { Command } from 'commander';
import { UsageError } from '../errors';
import { runKeygen } from '../pspf/cli/keygen';
import { runPack, type PackFlags } from '../pspf/cli/pack';
import { runExtract, runExtractAll, runInspect, runVerify } from '../pspf/cli/read-commands';
import { cacheRoot, listWorkenvs, removeWorkenv } from '../pspf/workenv';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

function policyOptions(cmd: Command): Command {
  return cmd
    .option('--require-signature', 'the package must be signed and the signature must verify (the default)')
    .option('--signature <policy>', 'signature policy: required | optional (unsigned passes, a bad signature fails) | off')
    .option('--public-key <file>', 'also require the signer to be this key (PEM SPKI or raw 32 bytes)');
}

function registerPack(pspf: Command): void {
  pspf
    .command('pack')
    .description('build a signed .psp from a pyproject.toml [tool.flavor] manifest and/or flags')
    .option('--manifest <file>', 'pyproject.toml with [tool.flavor] (sources and output relative to it)')
    .option('-o, --output <file>', 'output file (default: tool.flavor.output or dist/<name>.psp)')
    .option('--launcher <file>', "launcher executable to embed (default: cogpack's own, built from src/pspf/launcher)")
    .option('--key-seed <seed>', 'deterministic key: private seed = SHA-256(seed)')
    .option('--private-key <file>', 'Ed25519 private key (PEM PKCS#8 or raw 32 bytes); default: an ephemeral key')
    .option('--public-key <file>', 'check that this public key (PEM SPKI or raw 32 bytes) belongs to --private-key')
    .option('--package-name <name>', 'package.name')
    .option('--package-version <version>', 'package.version')
    .option('--description <text>', 'package.description')
    .option('--command <cmd>', 'execution.command, e.g. "{workenv}/bin/app"')
    .option('--primary-slot <n>', 'execution.primary_slot')
    .option('--slot <spec>', 'id=ID,source=PATH[,operations=raw|gzip|tar|tar.gz][,purpose=][,lifecycle=][,target=][,permissions=] (repeatable)', collect, [])
    .option('--env <NAME=VALUE>', 'execution.env entry (repeatable)', collect, [])
    .option('--no-page-align', 'pack slots back to back instead of on 4096-byte pages')
    .option('--compression-level <n>', 'gzip level 1-9 (default 6)')
    .option('--gzip-mtime <n>', 'mtime written into slot gzip headers (default 0, reproducible)')
    .option('--deflate <impl>', "reference (default: pako, bytes identical to FlavorPack's) | native (Node zlib, faster, bytes depend on Node)")
    .option('--force', 'overwrite an existing output file')
    .option('--json', 'print a JSON summary')
    .action((opts: PackFlags) => runPack(opts));
}

function registerRead(pspf: Command): void {
  policyOptions(
    pspf
      .command('verify <package>')
      .description(
        'check everything the launcher checks before it runs a package (index, metadata, every slot and its contents) and the signature; exit 0 only if all pass',
      ),
  )
    .option('--json', 'print the verdicts as JSON')
    .action((file: string, opts) => runVerify(file, opts));
  pspf
    .command('inspect <package>')
    .description('show index fields, slot descriptors and metadata')
    .option('--json', 'print JSON (index fields by their spec names)')
    .action((file: string, opts) => runInspect(file, opts));
  policyOptions(pspf.command('extract <package> <slot> <out>').description('write one slot (index or id), decompressed'))
    .option('--unpack', 'unpack a tar slot into the directory OUT (paths escaping it are refused)')
    .option('--force', 'overwrite existing output')
    .action((file: string, slot: string, out: string, opts) => runExtract(file, slot, out, opts));
  policyOptions(pspf.command('extract-all <package> <dir>').description('write every slot as NN_<id>[.tar] into DIR'))
    .option('--unpack', 'lay the slots out as the launcher does (tar slots unpacked, files at their targets)')
    .option('--force', 'write into a non-empty directory / overwrite files')
    .action((file: string, dir: string, opts) => runExtractAll(file, dir, opts));
}

function registerKeysAndWorkenv(pspf: Command): void {
  pspf
    .command('keygen')
    .description('write an Ed25519 key pair as PEM: flavor-private.key (0600) and flavor-public.key')
    .option('--out-dir <dir>', 'directory for the key files', 'keys')
    .option('--seed <seed>', 'derive the key from a seed (SHA-256(seed)) instead of randomly')
    .option('--force', 'overwrite existing key files')
    .action((opts) => runKeygen(opts));
  const workenv = pspf.command('workenv').description("the launcher's work environment cache");
  workenv
    .command('list')
    .option('--json', 'print JSON')
    .description('list cached work environments')
    .action((opts: { json?: boolean }) => {
      const all = listWorkenvs();
      if (opts.json) return void process.stdout.write(`${JSON.stringify({ root: cacheRoot(), workenvs: all }, null, 2)}\n`);
      process.stdout.write(`cache root: ${cacheRoot()}\n`);
      for (const e of all) process.stdout.write(`${e.name}\t${e.complete ? 'complete' : 'incomplete'}\t${e.bytes} B\t${e.path}\n`);
    });
  workenv
    .command('clean [names...]')
    .description('remove work environments (all, or the named ones); dry run without --yes')
    .option('--yes', 'really remove')
    .action((names: string[], opts: { yes?: boolean }) => {
      const all = listWorkenvs();
      const unknown = names.filter((n) => !all.some((e) => e.name === n));
      if (unknown.length > 0) throw new UsageError('E_PSPF_WORKENV', `no work environment named ${unknown.join(', ')} under ${cacheRoot()}`);
      const chosen = names.length > 0 ? all.filter((e) => names.includes(e.name)) : all;
      for (const e of chosen) {
        if (opts.yes) removeWorkenv(e);
        process.stdout.write(`${opts.yes ? 'removed' : 'would remove'} ${e.path}\n`);
      }
      if (!opts.yes && chosen.length > 0) process.stdout.write('(dry run: pass --yes to remove)\n');
    });
}

export function registerPspf(program: Command): void {
  const pspf = program.command('pspf').description('FlavorPack-compatible PSPF/2025 packages: pack, verify, inspect, extract, keys, workenv cache');
  registerPack(pspf);
  registerRead(pspf);
  registerKeysAndWorkenv(pspf);
}
