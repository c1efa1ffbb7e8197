/** Ed25519 keys for PSPF: seeded (seed32 = SHA-256(seed)), raw 32-byte, PEM PKCS#8/SPKI; sign and verify. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { sha256 } from './bytes';
import { PspfError } from './errors';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyRaw: Buffer;
}

/** A key from a raw 32-byte RFC 8032 private seed. */
export function keyFromRawPrivate(raw: Uint8Array): SigningKey {
  if (raw.length !== 32) throw new PspfError('E_PSPF_KEY', `an Ed25519 private key is 32 bytes, got ${raw.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKeyRaw: rawPublicKey(createPublicKey(privateKey)) };
}

/** The reference's seeded key: the private seed is SHA-256 of the UTF-8 seed string. */
export function keyFromSeed(seed: string): SigningKey {
  return keyFromRawPrivate(sha256(Buffer.from(seed, 'utf8')));
}

export function generateKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyRaw: rawPublicKey(publicKey) };
}

/** Accepts a PEM PKCS#8 private key (what `keygen` writes) or a raw 32-byte key file. */
export function keyFromFile(content: Buffer, file: string): SigningKey {
  if (content.length === 32) return keyFromRawPrivate(content);
  try {
    const privateKey = createPrivateKey({ key: content, format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${privateKey.asymmetricKeyType} key`);
    return { privateKey, publicKeyRaw: rawPublicKey(createPublicKey(privateKey)) };
  } catch (e) {
    throw new PspfError('E_PSPF_KEY', `not an Ed25519 private key (PEM PKCS#8 or raw 32 bytes): ${(e as Error).message}`, {
      file,
      cause: e,
    });
  }
}

/** Reads a public key given as PEM SPKI or raw 32 bytes into its raw 32 bytes. */
export function publicKeyFromFile(content: Buffer, file: string): Buffer {
  if (content.length === 32) return Buffer.from(content);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: content, format: 'pem' });
  } catch (e) {
    throw new PspfError('E_PSPF_KEY', `not an Ed25519 public key (PEM SPKI or raw 32 bytes): ${(e as Error).message}`, { file, cause: e });
  }
  // any other key type would otherwise be cut to its last 32 bytes and only fail as "not the trusted key"
  if (key.asymmetricKeyType !== 'ed25519') throw new PspfError('E_PSPF_KEY', `not an Ed25519 public key: it is a ${key.asymmetricKeyType} key`, { file });
  return rawPublicKey(key);
}

export function rawPublicKey(pub: KeyObject): Buffer {
  const der = pub.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicKeyPem(key: SigningKey): string {
  return createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }).toString();
}

export function signMetadata(json: Uint8Array, key: SigningKey): Buffer {
  return sign(null, json, key.privateKey);
}

/** Pure Ed25519 verification against a raw public key; false (never a throw) for any malformed input. */
export function verifyMetadata(json: Uint8Array, signature: Uint8Array, publicKeyRaw: Uint8Array): boolean {
  try {
    return verify(null, json, publicKeyObject(Buffer.from(publicKeyRaw)), signature);
  } catch {
    return false;
  }
}

const publicKeys = new Map<string, KeyObject>();

/** Key objects are costly to build; a package is usually verified more than once per process. */
function publicKeyObject(raw: Buffer): KeyObject {
  const hex = raw.toString('hex');
  let key = publicKeys.get(hex);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size >= 64) publicKeys.clear();
    publicKeys.set(hex, key);
  }
  return key;
}
