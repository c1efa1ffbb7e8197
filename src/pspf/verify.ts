/**
 * Whole-package verification: everything the launcher checks before it runs a package (the list in README.md,
 * "What verify and the launcher check"), plus the signature under a policy.
 */
import { asSource, type ByteSource } from './byte-source';
import { isAllZero, sha256 } from './bytes';
import { PspfError } from './errors';
import { verifyMetadata } from './keys';
import type { PspfMetadata } from './metadata-schema';
import { decodeMetadata, metadataBytes, parseLayout, slotChecksumOk, type PspfLayout } from './reader';
import { descriptorProblems } from './slot-checks';
import { decodeSlot, WorkenvModel } from './slot-contents';
import { packageNameProblem } from './workenv-key';

/** required: must be signed and verify; optional: an unsigned package passes, a bad signature fails; off: ignored. */
export type SignaturePolicy = 'required' | 'optional' | 'off';

export interface VerifyOptions {
  signature?: SignaturePolicy; // default required
  /** When given, the package must be signed by exactly this raw Ed25519 public key. */
  trustedPublicKey?: Buffer;
}

export interface Verdicts {
  magic_ok: boolean;
  index_checksum_ok: boolean;
  metadata_checksum_ok: boolean;
  slot_checksums_ok: boolean[];
  all_slot_checksums_ok: boolean;
  /** Each descriptor's op chain (the whole u64) is the one the signed metadata names, and one the launcher runs. */
  slot_operations_ok: boolean[];
  /** Each descriptor's mode equals the signed metadata's `permissions`. */
  slot_permissions_ok: boolean[];
  /** The signed package name can name a work environment (the launcher's key; one safe path component). */
  package_name_ok: boolean;
  /** Declared sizes are possible and each slot decodes and lays out as the launcher would extract it. */
  slot_contents_ok: boolean[];
  signature_ok: boolean | null; // null: not checked (policy off, or optional and unsigned)
  package_size_matches_file: boolean;
  valid: boolean;
}

export interface VerifyReport {
  verdicts: Verdicts;
  problems: string[];
  metadata?: PspfMetadata;
}

function signatureVerdict(json: Buffer | undefined, pub: Buffer, sig: Buffer, o: VerifyOptions, problems: string[]): boolean | null {
  const policy = o.signature ?? 'required';
  if (policy === 'off') return null;
  const present = !isAllZero(pub) || !isAllZero(sig);
  if (!present) {
    if (policy === 'required') problems.push('package is not signed (signature required)');
    return policy === 'required' ? false : null;
  }
  if (o.trustedPublicKey && !o.trustedPublicKey.equals(pub)) {
    problems.push(`signed by ${pub.toString('hex')}, not the trusted key`);
    return false;
  }
  const ok = json !== undefined && verifyMetadata(json, sig, pub);
  if (!ok) problems.push('Ed25519 signature over the metadata does not verify');
  return ok;
}

/**
 * Checks everything and reports each verdict; structural damage (no trailer, regions out of bounds, undecodable
 * metadata under a good checksum) throws a PspfError instead, as nothing else can be trusted then.
 */
export function verifyPackage(from: Buffer | ByteSource, o: VerifyOptions = {}): VerifyReport {
  const buf = asSource(from);
  const layout = parseLayout(buf);
  const n = layout.index.numbers;
  const problems: string[] = [];
  const index_checksum_ok = layout.index.computedChecksum === n.index_checksum;
  if (!index_checksum_ok) problems.push('index checksum mismatch');
  const package_size_matches_file = n.package_size === buf.size;
  if (!package_size_matches_file) problems.push(`package_size ${n.package_size} differs from file size ${buf.size}`);
  const metadata_checksum_ok = sha256(metadataBytes(buf, layout)).equals(layout.index.metadataChecksum);
  if (!metadata_checksum_ok) problems.push('metadata SHA-256 mismatch');
  const decoded = metadata_checksum_ok ? decodeMetadata(buf, layout) : undefined;
  const slot_checksums_ok = layout.slots.map((_, i) => slotChecksumOk(buf, layout, decoded?.metadata, i));
  slot_checksums_ok.forEach((ok, i) => ok || problems.push(`slot ${i} checksum mismatch`));
  const all_slot_checksums_ok = slot_checksums_ok.every(Boolean);
  const slots = decoded ? slotVerdicts(buf, layout, decoded.metadata, slot_checksums_ok, problems) : undefined;
  const slot_operations_ok = slots?.operations ?? layout.slots.map(() => true);
  const slot_permissions_ok = slots?.permissions ?? layout.slots.map(() => true);
  const slot_contents_ok = slots?.contents ?? layout.slots.map(() => true);
  const signature_ok = signatureVerdict(decoded?.json, layout.index.publicKey, layout.index.signature, o, problems);
  const nameProblem = decoded ? packageNameProblem(decoded.metadata.package.name) : undefined;
  if (nameProblem) problems.push(`package name ${JSON.stringify(decoded?.metadata.package.name).slice(0, 80)} cannot name a work environment: ${nameProblem}`);
  const package_name_ok = nameProblem === undefined;
  const slotsOk = all_slot_checksums_ok && [slot_operations_ok, slot_permissions_ok, slot_contents_ok].every((v) => v.every(Boolean));
  const valid = index_checksum_ok && package_size_matches_file && metadata_checksum_ok && package_name_ok && slotsOk && signature_ok !== false;
  return {
    verdicts: {
      magic_ok: true,
      index_checksum_ok,
      metadata_checksum_ok,
      slot_checksums_ok,
      all_slot_checksums_ok,
      slot_operations_ok,
      slot_permissions_ok,
      package_name_ok,
      slot_contents_ok,
      signature_ok,
      package_size_matches_file,
      valid,
    },
    problems,
    metadata: decoded?.metadata,
  };
}

/**
 * The descriptor checks for every slot, then (for slots whose bytes and descriptor passed) decoding in slot
 * order into one model of the work environment, as the launcher extracts them all into one directory.
 */
function slotVerdicts(buf: ByteSource, layout: PspfLayout, metadata: PspfMetadata, checksums: boolean[], problems: string[]) {
  const operations: boolean[] = [];
  const permissions: boolean[] = [];
  const contents: boolean[] = [];
  const model = new WorkenvModel();
  layout.slots.forEach((d, i) => {
    const found = descriptorProblems(d, metadata.slots[i], i);
    for (const p of found) problems.push(p.message);
    operations.push(!found.some((p) => p.code === 'E_PSPF_SLOT_OPERATIONS'));
    permissions.push(!found.some((p) => p.code === 'E_PSPF_SLOT_PERMISSIONS'));
    let ok = !found.some((p) => p.code === 'E_PSPF_DECLARED_SIZE');
    if (ok && found.length === 0 && checksums[i]) {
      try {
        decodeSlot(buf, d, i, metadata.slots[i].target, { model });
      } catch (e) {
        if (!(e instanceof PspfError)) throw e;
        problems.push(e.message.startsWith(`slot ${i}`) ? e.message : `slot ${i} (${metadata.slots[i].id}): ${e.message}`);
        ok = false;
      }
    }
    contents.push(ok);
  });
  return { operations, permissions, contents };
}

/** verifyPackage that throws one PspfError naming the first failed check unless the package is valid. */
export function assertValidPackage(buf: Buffer | ByteSource, o: VerifyOptions = {}): VerifyReport {
  const r = verifyPackage(buf, o);
  if (!r.verdicts.valid) {
    throw new PspfError('E_PSPF_VERIFY', `verification failed: ${r.problems.join('; ')}`);
  }
  return r;
}
