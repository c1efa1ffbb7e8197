/**
 * Attestations: the in-toto documents attached to a built image, and the one place where a build, `cogpack build`
 * (a gateway build over its Control connection) and the frontend alike, asks for them.
 *
 * The interface (issue 16):
 * - A generator returns an `AttestationDocument`: its in-toto predicate type, the file name its statement gets in
 *   a `--output type=local|tar` directory, and the predicate as deterministic JSON bytes (same input, same bytes;
 *   no clock, no random ids; never a secret or a build-arg proxy value).
 * - It gets an `AttestInput`: the build's LLBBridge and the solved image's ref (read the built filesystem with
 *   `bridge.readFile/readDir/statFile(ref, …)`, or solve more LLB on `llb.image` / `llb.installed`), the plan,
 *   the final image config, the image's names, the base images with their resolved digests, SOURCE_DATE_EPOCH.
 * - `attestationDocuments(input, request)` calls the generators the request asks for. Both build paths call it
 *   after the image's ref is solved and before Return, and hand the result to `./gateway.ts`, which turns the
 *   documents into the Return's `attestations` (each predicate a file in a scratch ref, kind InToto, one Self
 *   subject): BuildKit's image exporter then writes an attestation manifest into the image index
 *   (`vnd.docker.reference.type: attestation-manifest`), the local and tar exporters write each statement as
 *   `fileName`, the oci/docker tarballs carry the index with its attestation manifest.
 * - The SBOM generator (`./sbom.ts`, `sbomAttestation(input)`) plugs in here; cogpack's build record
 *   (`./provenance.ts`) is the other document.
 * - The SLSA provenance is not a document here: BuildKit refuses any `https://slsa.dev/provenance/*` attestation
 *   that does not come from itself ("frontend may not set provenance attestations"). The daemon writes it when
 *   the solve carries `attest:provenance=mode=…` (`provenanceAttrs`); buildx sends that to the frontend's solve.
 */
import type { LlbResult, OciImageConfig } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import type { AttestRequest } from './request';
import { buildRecordAttestation, type ProvenanceFacts } from './provenance';
import { sbomAttestation } from './sbom';

export { parseProvenanceFlag, parseSbomFlag, attestRequestFromFrontendOpts, defaultProvenance, type AttestRequest, type ProvenanceMode } from './request';
export { provenanceAttrs, type ProvenanceFacts } from './provenance';

/** The provenance facts a build path gathers itself (the base images and the epoch are AttestInput's). */
export type BuildFacts = Omit<ProvenanceFacts, 'baseImages' | 'sourceDateEpoch'>;

export const PREDICATE_SPDX = 'https://spdx.dev/Document';

export interface AttestationDocument {
  /** in-toto predicate type, e.g. PREDICATE_SPDX (BuildKit then skips its own scanner); never https://slsa.dev/provenance/* */
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
  /** the names the image is exported under (may be empty: an unnamed or local/tar output) */
  imageNames: string[];
  /** the image's name for the SBOM document (default: the first of imageNames, else `image`) */
  imageName?: string;
  /** every image the plan pulls (./facts.ts planImageRefs), with the digest the daemon resolved when known */
  baseImages: { ref: string; digest?: string }[];
  /** SOURCE_DATE_EPOCH of the build, seconds (the CLI always has one; the frontend when buildx passes it) */
  sourceDateEpoch?: number;
  /** the project directory when the build has it (the CLI): the SBOM hashes weight files there, not through the gateway */
  contextDir?: string;
  /** for cogpack's build record: present when the request asks for provenance */
  facts?: BuildFacts;
}

/** Every document `request` asks for: cogpack's build record with provenance (the SLSA one is the daemon's), the SBOM. */
export async function attestationDocuments(input: AttestInput, request: AttestRequest): Promise<AttestationDocument[]> {
  const docs: AttestationDocument[] = [];
  if (request.provenance && input.facts) {
    docs.push(buildRecordAttestation(input.plan, { ...input.facts, baseImages: input.baseImages, sourceDateEpoch: input.sourceDateEpoch }, request.provenance));
  }
  if (request.sbom) docs.push(await sbomAttestation(input));
  return docs;
}

/** Whether the request asks for a document cogpack makes (then the CLI runs a gateway build). */
export function wantsDocuments(request: AttestRequest): boolean {
  return Boolean(request.provenance || request.sbom);
}
