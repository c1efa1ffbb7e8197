/** `cogpack pspf keygen`: an Ed25519 key pair as PEM (flavor-private.key 0600, flavor-public.key). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PspfError } from '../errors';
import { writeOutputFile } from '../files';
import { generateKey, keyFromSeed, privateKeyPem, publicKeyPem } from '../keys';

export function runKeygen(f: { outDir: string; seed?: string; force?: boolean }): void {
  const key = f.seed !== undefined ? keyFromSeed(f.seed) : generateKey();
  const priv = path.join(f.outDir, 'flavor-private.key');
  const pub = path.join(f.outDir, 'flavor-public.key');
  // both are checked before either is written, so a refusal leaves no half-written pair
  for (const p of [priv, pub]) {
    if (!f.force && fs.existsSync(p)) throw new PspfError('E_PSPF_EXISTS', `${p} already exists`, { hint: 'pass --force to overwrite it' });
  }
  writeOutputFile(priv, Buffer.from(privateKeyPem(key)), { force: true, mode: 0o600 });
  writeOutputFile(pub, Buffer.from(publicKeyPem(key)), { force: true, mode: 0o644 });
  process.stdout.write(`${priv}\n${pub}\npublic key ${key.publicKeyRaw.toString('hex')}\n`);
}
