/**
 * Attestations: the in-toto documents (provenance, SBOM) attached to a built image, and the one place where a
 * build, `cogpack build` (a gateway build over its Control connection) and the frontend alike, asks for them.
 *
 * The interface (issue 16):
 * - A generator returns an `AttestationDocument`: its in-toto predicate type, the file name it gets in a
 *   `--output type=local|tar` directory, and the predicate as deterministic JSON bytes (same input, same bytes;
 *   no clock, no random ids; never a secret or a build-arg proxy value).
 * - It gets an `AttestInput`: the build's LLBBridge and the solved image's ref (read the built filesystem with
 *   `bridge.readFile/readDir/statFile(ref, …)`, or solve more LLB on `llb.image` / `llb.installed`), the plan,
 *   the final image config, and `facts` (what the build knows beyond the plan: base image digest, git source,
 *   project file digests, the options that were given).
 * - `attestationDocuments(input, request)` calls the generators the request asks for, in a fixed order
 *   (provenance, then SBOM). Both build paths call it after the image's ref is solved and before Return.
 * - `./gateway.ts` turns the documents into the Return's `attestations` (each predicate a file in a scratch
 *   ref, kind InToto, one Self subject): BuildKit's image exporter then writes an attestation manifest into the
 *   image index (`vnd.docker.reference.type: attestation-manifest`), the local and tar exporters write each
 *   statement as `fileName`, and the oci/docker tarballs carry the index with its attestation manifest.
 *
 * The SBOM generator (`./sbom.ts`, `sbomAttestation(input)`) plugs in here; the provenance one is
 * `./provenance.ts`. A new kind of attestation is one more generator and one more line in `attestationDocuments`.
 */
import type { LlbResult, OciImageConfig } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import type { LlbBridge } from '../frontend/bridge';
import type { AttestRequest } from './request';
import { provenanceAttestation, type ProvenanceFacts } from './provenance';
import { sbomAttestation } from './sbom';

export { parseProvenanceFlag, parseSbomFlag, attestRequestFromFrontendOpts, defaultProvenance, type AttestRequest, type ProvenanceMode } from './request';
export type { ProvenanceFacts } from './provenance';

export const PREDICATE_SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const PREDICATE_SPDX = 'https://spdx.dev/Document';

export interface AttestationDocument {
  /** in-toto predicate type, e.g. PREDICATE_SLSA_PROVENANCE_V1, PREDICATE_SPDX (BuildKit skips its own scanner when one is SPDX) */
  predicateType: string;
  /** file name of the statement in a local/tar output (e.g. provenance.json, sbom.spdx.json); one per document */
  fileName: string;
  /** the predicate: canonical JSON bytes, deterministic for the same input */
  predicate: Buffer;
  /** BuildKit's `reason` metadata (`provenance`, `sbom`) */
  reason?: string;
}

export interface AttestInput {
  /** the build's LLBBridge (the frontend's own, or controlBridge of `cogpack build`) */
  bridge: Pick<LlbBridge, 'solve' | 'readFile' | 'readDir' | 'statFile'>;
  /** the solved image's ref id: the final filesystem, as the exporters get it */
  ref: string;
  plan: PlanData;
  /** the LLB of the plan (states of the whole image and of what the build installed; layer/stage digests) */
  llb: LlbResult;
  /** the final image config (labels included) */
  config: OciImageConfig;
  facts: ProvenanceFacts;
  /** the image's name for the SBOM document (default: the first tag in facts.parameters, else `image`) */
  imageName?: string;
  /** the project directory when the build has it (the CLI): the SBOM hashes weight files there, not through the gateway */
  contextDir?: string;
}

/** Every document `request` asks for, provenance first. */
export async function attestationDocuments(input: AttestInput, request: AttestRequest): Promise<AttestationDocument[]> {
  const docs: AttestationDocument[] = [];
  if (request.provenance) docs.push(provenanceAttestation(input, request.provenance));
  if (request.sbom) docs.push(await sbomAttestation(input));
  return docs;
}

/** Whether the request asks for any document (then the CLI must run a gateway build). */
export function wantsAttestations(request: AttestRequest): boolean {
  return Boolean(request.provenance || request.sbom);
}
