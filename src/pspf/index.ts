/** The public PSPF API: write, read, verify and unpack FlavorPack-compatible PSPF/2025 packages. */
export { writePackage, writePrepared, type WritePackageOptions, type SlotInput, type KeySpec } from './writer';
export type { SlotContent, PreparedSlot } from './slot-source';
export type { MetadataInput, Json, JsonObject } from './metadata';
export type { TarEntry } from './tar-writer';
export { readPackage, readSlot, parseLayout, type PspfPackage, type PspfLayout, type ReadSlotOptions } from './reader';
export { verifyPackage, assertValidPackage, type VerifyOptions, type VerifyReport, type SignaturePolicy, type Verdicts } from './verify';
export { bufferSource, fdSource, type ByteSource } from './byte-source';
export { openPackageFile, readPackageFile, readPackageFd, writePackageFile, writeOutputFile, installSlots } from './files';
export { writePackageToFile } from './stream-writer';
export { extractTar } from './extract';
export { collectDir, writeTar, tarChunks } from './tar-writer';
export { readTar, readTarSafe } from './tar-reader';
export { keyFromSeed, keyFromFile, keyFromRawPrivate, generateKey, publicKeyFromFile, privateKeyPem, publicKeyPem, type SigningKey } from './keys';
export { describePackage } from './inspect';
export { PspfError } from './errors';
export type { PspfMetadata } from './metadata-schema';
