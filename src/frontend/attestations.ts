/**
 * The frontend's attestations: what buildx asks for in `attest:*` (src/attest/request.ts), made with the same
 * generators as `cogpack build` (src/attest) and returned with the result. The SLSA provenance is the daemon's
 * (buildx's `attest:provenance` reaches BuildKit's own processor); the frontend adds cogpack's build record and,
 * with `attest:sbom`, the SBOM (BuildKit then skips its scanner: the result already has an SPDX document).
 */
import type { LlbResult, OciImageConfig } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { attestationDocuments, wantsDocuments, type AttestRequest, type BuildFacts } from '../attest';
import { baseImageDigests, cogpackVersion, SHOWN_BUILD_ARGS } from '../attest/facts';
import { gatewayAttestations, type PbAttestations } from '../attest/gateway';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import type { FrontendOptions } from './options';

/** Frontend options whose values the build record shows (others, e.g. build args, are handled below or left out). */
const SHOWN_OPTIONS = ['filename', 'platform', 'target', 'contextkey', 'dockerfilekey', 'image-resolve-mode', 'no-cache', 'attest:provenance', 'attest:sbom'];

/** The options that shape the build, as the build record shows them: build-arg values only for COGPACK_* and SOURCE_DATE_EPOCH. */
export function frontendParameters(opts: FrontendOptions): Record<string, unknown> {
  const options = Object.fromEntries(SHOWN_OPTIONS.filter((k) => opts.raw[k] !== undefined).map((k) => [k, opts.raw[k]]));
  const buildArgs = Object.fromEntries(
    Object.keys(opts.buildArgs)
      .sort()
      .map((k) => [k, SHOWN_BUILD_ARGS.has(k) ? opts.buildArgs[k] : null]),
  );
  return { options, buildArgs };
}

/** The build record's facts: buildx's git info (`vcs:*`, set from the context's checkout) and the files the plan read. */
export function frontendFacts(opts: FrontendOptions, files: Record<string, string>): BuildFacts {
  const commit = opts.raw['vcs:revision'];
  return {
    cogpackVersion: cogpackVersion(),
    via: 'frontend',
    parameters: frontendParameters(opts),
    ...(commit ? { git: { commit, ...(opts.raw['vcs:source'] ? { source: opts.raw['vcs:source'] } : {}) } } : {}),
    files,
  };
}

export interface FrontendAttestInput {
  bridge: LlbBridge;
  opts: FrontendOptions;
  request: AttestRequest;
  plan: PlanData;
  llb: LlbResult;
  ref: string;
  config: OciImageConfig;
  /** project file digests (plan-context.ts), when provenance was asked for */
  files?: Record<string, string>;
}

/** The Return's attestations (empty when nothing is asked for). */
export async function frontendAttestations(a: FrontendAttestInput): Promise<PbAttestations> {
  if (!wantsDocuments(a.request)) return {};
  const epoch = Number(a.opts.buildArgs.SOURCE_DATE_EPOCH);
  const baseImages = await baseImageDigests(a.bridge, a.plan, a.opts.sessionId);
  const docs = await attestationDocuments(
    {
      bridge: a.bridge,
      ref: a.ref,
      plan: a.plan,
      llb: a.llb,
      config: a.config,
      imageNames: [],
      baseImages,
      ...(Number.isInteger(epoch) && epoch >= 0 && a.opts.buildArgs.SOURCE_DATE_EPOCH !== '' ? { sourceDateEpoch: epoch } : {}),
      ...(a.request.provenance ? { facts: frontendFacts(a.opts, a.files ?? {}) } : {}),
    },
    a.request,
  );
  return gatewayAttestations(a.bridge, docs, a.plan, a.request);
}
