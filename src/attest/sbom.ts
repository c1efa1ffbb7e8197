/**
 * The SBOM attestation (SPDX 2.3 JSON, predicate type https://spdx.dev/Document) of the built image, read from
 * its filesystem inside the build: issue 16 part 1, written beside this interface (see ./index.ts).
 */
import { UsageError } from '../errors';
import type { AttestationDocument, AttestInput } from './index';

export async function sbomAttestation(input: AttestInput): Promise<AttestationDocument> {
  void input;
  throw new UsageError('E_SBOM_UNAVAILABLE', 'SBOM attestations are not available in this cogpack yet', { hint: 'drop --sbom (issue 16)' });
}
