/**
 * Attestation documents → the gateway Result's `attestations` (gateway.proto field 12): every predicate is a
 * file in one scratch ref (solved once), and each attestation names its file, kind InToto, its predicate type
 * and one Self subject, which BuildKit replaces with the exported image (or with the local output's files).
 */
import { marshal, State } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import type { LlbBridge, PbAttestation, PbAttestations } from '../buildkit/gateway/bridge';

export type { PbAttestation, PbAttestations } from '../buildkit/gateway/bridge';
import type { AttestationDocument } from './index';
import type { AttestRequest } from './request';

const KIND_IN_TOTO = 0;
const SUBJECT_SELF = 0;

/** The key BuildKit's exporters look a single-platform result's attestations up by (`platforms.Format`). */
export function platformKey(plan: Pick<PlanData, 'platform'>): string {
  return `${plan.platform.os}/${plan.platform.arch}`;
}

/** The scratch state holding each document's predicate at `/<fileName>`. */
export function attestationFiles(docs: readonly AttestationDocument[]): State {
  const names = new Set<string>();
  for (const d of docs) {
    if (!/^[A-Za-z0-9._-]+$/.test(d.fileName) || names.has(d.fileName))
      throw new Error(`attestation file name "${d.fileName}" is not a unique plain file name`);
    names.add(d.fileName);
  }
  return State.scratch().file(
    docs.map((d) => ({ action: 'mkfile' as const, path: `/${d.fileName}`, data: d.predicate, mode: 0o644 })),
    { name: '[cogpack] attestations' },
  );
}

/** Solves the documents' files and returns the Return's attestations map (empty when there are none). */
export async function gatewayAttestations(
  bridge: Pick<LlbBridge, 'solve'>,
  docs: readonly AttestationDocument[],
  plan: Pick<PlanData, 'platform'>,
  request: AttestRequest = {},
): Promise<PbAttestations> {
  if (docs.length === 0) return {};
  const ref = await bridge.solve(marshal(attestationFiles(docs)).definition);
  const attestation = docs.map((d): PbAttestation => {
    const metadata: Record<string, Buffer> = {};
    if (d.reason) metadata.reason = Buffer.from(d.reason);
    const kind = d.reason === 'provenance' || d.reason === 'sbom' ? d.reason : undefined;
    if (kind && request.inlineOnly?.[kind]) metadata['inline-only'] = Buffer.from('true');
    return {
      kind: KIND_IN_TOTO,
      metadata,
      ref: { id: ref },
      path: `/${d.fileName}`,
      inTotoPredicateType: d.predicateType,
      inTotoSubjects: [{ kind: SUBJECT_SELF }],
    };
  });
  return { [platformKey(plan)]: { attestation } };
}
