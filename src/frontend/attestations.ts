/**
 * The frontend's attestations: what buildx asks for in `attest:*` (src/attest/request.ts), made by the same
 * solveImage as `cogpack build` (src/buildkit/build/plan-to-image.ts) and returned with the result. The SLSA provenance is the daemon's
 * (buildx's `attest:provenance` reaches BuildKit's own processor); the frontend adds cogpack's build record and,
 * with `attest:sbom`, the SBOM (BuildKit then skips its scanner: the result already has an SPDX document).
 */
import { wantsDocuments, type AttestRequest, type BuildFacts } from '../attest';
import { cogpackVersion, SHOWN_BUILD_ARGS } from '../attest/facts';
import type { AttestContext } from '../buildkit/build/plan-to-image';
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

/**
 * What solveImage needs to attest the frontend's image (nothing when nothing is asked for): no image names (buildx
 * names the image after the result), SOURCE_DATE_EPOCH when buildx passes a valid one, and the build record's facts
 * from the options and the project file digests (plan-context.ts) when provenance was asked for.
 */
export function frontendAttestContext(opts: FrontendOptions, request: AttestRequest, files: Record<string, string> = {}): AttestContext | undefined {
  if (!wantsDocuments(request)) return undefined;
  const given = opts.buildArgs.SOURCE_DATE_EPOCH;
  const epoch = Number(given);
  return {
    sessionId: opts.sessionId,
    imageNames: [],
    ...(given !== undefined && given !== '' && Number.isInteger(epoch) && epoch >= 0 ? { sourceDateEpoch: epoch } : {}),
    ...(request.provenance ? { facts: () => Promise.resolve(frontendFacts(opts, files)) } : {}),
  };
}
