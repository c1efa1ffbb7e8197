/**
 * The SLSA provenance v1 predicate (https://slsa.dev/spec/v1.0/provenance) of a cogpack build: what was built
 * (plan digest, cogpack version, the options that shape the build) from what (the base images by digest, the
 * git commit of the context, the digests of cog.yaml, requirements files, uv.lock, local wheels), by whom
 * (the CLI or the frontend). `mode=max` adds the plan itself. Deterministic: no clock (SOURCE_DATE_EPOCH is
 * a parameter), no random ids; the invocation id is derived from the inputs. Secret values and build-arg
 * proxy values never get here: facts carry secret ids and build-arg names only (./facts.ts).
 */
import { createHash } from 'node:crypto';
import { serializePlan } from '../../planner/plan';
import { canonicalJson } from '../../planner/inputs/record';
import type { AttestationDocument, AttestInput } from './index';
import type { ProvenanceMode } from './request';

/** How to read this provenance's parameters (docs/ci.md); the version goes up when their meaning changes. */
export const BUILD_TYPE = 'https://cogpack.dev/provenance/build/v1';
/** One builder id per path (the domain of the `dev.cogpack.*` labels); the version is in builder.version. */
const builderId = (via: ProvenanceFacts['via']): string => `https://cogpack.dev/builder/${via}`;

/** What the build knows beyond the plan, gathered by the CLI (./facts.ts) or the frontend. */
export interface ProvenanceFacts {
  cogpackVersion: string;
  /** `cli` (cogpack build) or `frontend` (docker buildx build with the cogpack frontend image) */
  via: 'cli' | 'frontend';
  /** the options that shape the build, already free of secret values (secret ids, build-arg names) */
  parameters: Record<string, unknown>;
  /** each base image the plan pulls, with the digest the daemon resolved (absent when unknown) */
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

/** `docker.io/library/python:3.11-slim` + digest → `pkg:docker/…`-free OCI URI as BuildKit writes materials. */
function imageMaterial(image: { ref: string; digest?: string }): ResourceDescriptor {
  const [algo, hex] = (image.digest ?? '').split(':');
  return { uri: `docker-image://${image.ref}`, ...(hex ? { digest: { [algo]: hex } } : {}) };
}

function gitMaterial(git: NonNullable<ProvenanceFacts['git']>): ResourceDescriptor {
  const uri = git.source ? `git+${git.source.replace(/^git\+/, '')}@${git.commit}` : undefined;
  return { ...(uri ? { uri } : { name: 'context (git)' }), digest: { gitCommit: git.commit }, ...(git.dirty ? { annotations: { dirty: 'true' } } : {}) };
}

export function resolvedDependencies(facts: ProvenanceFacts): ResourceDescriptor[] {
  const images = [...new Map(facts.baseImages.map((i) => [i.ref, i])).values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const files = Object.keys(facts.files).sort().map((p): ResourceDescriptor => ({ name: p, digest: { sha256: facts.files[p] } }));
  return [...images.map(imageMaterial), ...(facts.git ? [gitMaterial(facts.git)] : []), ...files];
}

/** The predicate object (exported for tests and `cogpack build --json`). */
export function provenancePredicate(input: Pick<AttestInput, 'plan' | 'facts'>, mode: ProvenanceMode): Record<string, unknown> {
  const { plan, facts } = input;
  const planJson = serializePlan(plan);
  const planDigest = `sha256:${sha256(planJson)}`;
  const deps = resolvedDependencies(facts);
  const internalParameters: Record<string, unknown> = {
    cogpackVersion: facts.cogpackVersion,
    via: facts.via,
    planDigest,
    stack: plan.stack,
    blocks: plan.blocks,
    platform: `${plan.platform.os}/${plan.platform.arch}`,
    ...(facts.sourceDateEpoch !== undefined ? { sourceDateEpoch: facts.sourceDateEpoch } : {}),
    ...(mode === 'max' ? { plan: JSON.parse(planJson) as unknown } : {}),
  };
  const invocationId = sha256(canonicalJson({ planDigest, parameters: facts.parameters, deps })).slice(0, 32);
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: facts.parameters,
      internalParameters,
      resolvedDependencies: deps,
    },
    runDetails: {
      builder: { id: builderId(facts.via), version: { cogpack: facts.cogpackVersion } },
      // no startedOn/finishedOn: the same inputs give the same bytes (a clock would not)
      metadata: { invocationId },
    },
  };
}

export function provenanceAttestation(input: Pick<AttestInput, 'plan' | 'facts'>, mode: ProvenanceMode): AttestationDocument {
  return {
    predicateType: 'https://slsa.dev/provenance/v1',
    fileName: 'provenance.json',
    predicate: Buffer.from(canonicalJson(provenancePredicate(input, mode))),
    reason: 'provenance',
  };
}
