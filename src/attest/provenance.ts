/**
 * Provenance, in two documents, because BuildKit refuses an `https://slsa.dev/provenance/*` attestation made by a
 * frontend or a gateway client ("frontend may not set provenance attestations", exporter/attestation/unbundle.go:
 * only the builder vouches for a build):
 * 1. the SLSA provenance: the daemon's own (SLSA v0.2 on BuildKit 0.13), asked for with the frontend attr
 *    `attest:provenance=mode=min|max` as buildx does (`provenanceAttrs`). It records the base images by digest,
 *    the build's timing and in mode=max the LLB; it is what `imagetools inspect --format '{{json .Provenance}}'`
 *    shows. (BuildKit records frontend attrs only for frontend builds, so the CLI cannot add facts to it.)
 * 2. cogpack's build record (`buildRecordAttestation`, predicate type BUILD_RECORD_PREDICATE, statement file
 *    `cogpack-provenance.json`): an SLSA-v1-shaped predicate of what only cogpack knows: the plan digest and
 *    cogpack version, the options that shape the build, the resolved dependencies (base images with the digests
 *    the daemon resolved, the context's git commit, sha256 of cog.yaml, requirements files, uv.lock, local wheels)
 *    and in mode=max the plan itself. Deterministic: no clock (SOURCE_DATE_EPOCH is a parameter), no random ids.
 * Secret values and build-arg proxy values never get into either: the facts carry secret ids and build-arg names
 * only, and the daemon's document never sees a proxy value (the CLI sends no build args but SOURCE_DATE_EPOCH).
 */
import { createHash } from 'node:crypto';
import { serializePlan } from '../../planner/plan';
import { canonicalJson } from '../../planner/inputs/record';
import type { PlanData } from '../../planner/plan-schema';
import type { AttestationDocument } from './index';
import type { ProvenanceMode } from './request';

/** The build record's predicate type (the domain of the `dev.cogpack.*` labels); the version goes up when a field changes meaning. */
export const BUILD_RECORD_PREDICATE = 'https://cogpack.dev/provenance/v1';
export const BUILD_RECORD_FILE = 'cogpack-provenance.json';
/** SLSA v1 buildType: how to read externalParameters/internalParameters (docs/ci.md). */
export const BUILD_TYPE = 'https://cogpack.dev/build/v1';

/** What the build knows beyond the plan (CLI: src/buildkit/build.ts; frontend: src/frontend/attestations.ts). */
export interface ProvenanceFacts {
  cogpackVersion: string;
  /** `cli` (cogpack build) or `frontend` (docker buildx build with the cogpack frontend image) */
  via: 'cli' | 'frontend';
  /** the options that shape the build, already free of secret values (secret ids, build-arg names) */
  parameters: Record<string, unknown>;
  /** each image the plan pulls, with the digest the daemon resolved (absent when unknown) */
  baseImages: { ref: string; digest?: string }[];
  /** the context's git commit, when it is a git checkout */
  git?: { commit: string; source?: string; dirty?: boolean };
  /** project files that decide what is installed, by path relative to the context: sha256 hex of the content */
  files: Record<string, string>;
  /** SOURCE_DATE_EPOCH in seconds, when the build has one */
  sourceDateEpoch?: number;
}

interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The frontend attrs that make the daemon attach its SLSA provenance. */
export function provenanceAttrs(mode: ProvenanceMode): Record<string, string> {
  return { 'attest:provenance': `mode=${mode}` };
}

export function planDigest(plan: PlanData): string {
  return `sha256:${sha256(serializePlan(plan))}`;
}

function imageMaterial(image: { ref: string; digest?: string }): ResourceDescriptor {
  const at = (image.digest ?? '').indexOf(':');
  return { uri: `docker-image://${image.ref}`, ...(at > 0 ? { digest: { [image.digest!.slice(0, at)]: image.digest!.slice(at + 1) } } : {}) };
}

function gitMaterial(git: NonNullable<ProvenanceFacts['git']>): ResourceDescriptor {
  const uri = git.source ? `git+${git.source.replace(/^git\+/, '')}@${git.commit}` : undefined;
  return { ...(uri ? { uri } : { name: 'context (git)' }), digest: { gitCommit: git.commit }, ...(git.dirty ? { annotations: { dirty: 'true' } } : {}) };
}

export function resolvedDependencies(facts: ProvenanceFacts): ResourceDescriptor[] {
  const images = [...new Map(facts.baseImages.map((i) => [i.ref, i])).values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const files = Object.keys(facts.files)
    .sort()
    .map((p): ResourceDescriptor => ({ name: p, digest: { sha256: facts.files[p] } }));
  return [...images.map(imageMaterial), ...(facts.git ? [gitMaterial(facts.git)] : []), ...files];
}

/** The build record's predicate (SLSA v1 fields: buildDefinition, runDetails). */
export function buildRecordPredicate(plan: PlanData, facts: ProvenanceFacts, mode: ProvenanceMode): Record<string, unknown> {
  const planJson = serializePlan(plan);
  const digest = `sha256:${sha256(planJson)}`;
  const deps = resolvedDependencies(facts);
  const internalParameters: Record<string, unknown> = {
    cogpackVersion: facts.cogpackVersion,
    via: facts.via,
    planDigest: digest,
    stack: plan.stack,
    blocks: plan.blocks,
    platform: `${plan.platform.os}/${plan.platform.arch}`,
    ...(facts.sourceDateEpoch !== undefined ? { sourceDateEpoch: facts.sourceDateEpoch } : {}),
    ...(mode === 'max' ? { plan: JSON.parse(planJson) as unknown } : {}),
  };
  return {
    buildDefinition: { buildType: BUILD_TYPE, externalParameters: facts.parameters, internalParameters, resolvedDependencies: deps },
    runDetails: {
      builder: { id: `https://cogpack.dev/builder/${facts.via}`, version: { cogpack: facts.cogpackVersion } },
      // derived from the inputs, and no startedOn/finishedOn: the same inputs give the same bytes
      metadata: { invocationId: sha256(canonicalJson({ digest, parameters: facts.parameters, deps })).slice(0, 32) },
    },
  };
}

export function buildRecordAttestation(plan: PlanData, facts: ProvenanceFacts, mode: ProvenanceMode): AttestationDocument {
  return {
    predicateType: BUILD_RECORD_PREDICATE,
    fileName: BUILD_RECORD_FILE,
    predicate: Buffer.from(canonicalJson(buildRecordPredicate(plan, facts, mode))),
    reason: 'provenance',
  };
}
