/**
 * Plan → the frontend's result: plan-to-image.ts's pipeline, as `cogpack build` runs it, with every plan context
 * served by the client's `context` local and each base image's config from ResolveImageConfig.
 */
import type { LlbResult, OciImageConfig } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { UsageError } from '../errors';
import type { AttestRequest } from '../attest';
import type { PbAttestations } from '../attest/gateway';
import { baseImageRefs, planToImage, solveImage, type AttestContext, type BaseConfigs } from '../buildkit/build/plan-to-image';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import { pickBaseConfig } from '../buildkit/gateway/gateway-image-config';
import { checkPlatforms, type FrontendOptions } from './options';

export interface ImageResult {
  refId: string;
  config: OciImageConfig;
  /** digest of the image's top op, for warnings */
  resultDigest: string;
  /** the plan's LLB (states the attestation generators read) */
  llb: LlbResult;
  /** the Return's attestations (empty when none were asked for) */
  attestations: PbAttestations;
}

/** The client serves only its `context` local, so every plan context must be the project root. */
function checkContexts(plan: PlanData): void {
  for (const [name, ctx] of Object.entries(plan.contexts)) {
    if (ctx.path !== '.') {
      throw new UsageError('E_FRONTEND_CONTEXT', `plan context "${name}" is "${ctx.path}", but the frontend serves only the build context root`, {
        hint: 'build this project with `cogpack build`',
      });
    }
  }
}

export async function solvePlan(
  bridge: LlbBridge,
  opts: FrontendOptions,
  plan: PlanData,
  attest: { request: AttestRequest; context?: AttestContext } = { request: {} },
): Promise<ImageResult> {
  checkPlatforms(opts, plan.platform);
  checkContexts(plan);
  const configs = await resolveConfigs(bridge, opts, plan);
  const image = planToImage(plan, {
    configs,
    sessionId: opts.sessionId,
    noCache: opts.noCache,
    buildArgs: opts.buildArgs,
    localName: () => opts.contextKey,
    attest: attest.request,
  });
  const { ref, config, attestations } = await solveImage(bridge, image, { noCache: opts.noCache, attest: attest.context });
  return { refId: ref, config, resultDigest: image.llb.result, llb: image.llb, attestations: attestations ?? {} };
}

/**
 * Each image's config from the daemon's resolver, each asked once, all at once. `local` (prefer the daemon's
 * store, pull only if missing): `cogpack build` reads the same config from the local store, and the default mode
 * asks the registry first on every build.
 */
async function resolveConfigs(bridge: LlbBridge, opts: FrontendOptions, plan: PlanData): Promise<BaseConfigs> {
  const platform = { OS: plan.platform.os, Architecture: plan.platform.arch };
  const refs = baseImageRefs(plan);
  const raw = await Promise.all(
    refs.map((ref) =>
      bridge.resolveImageConfig(ref, platform, { resolveMode: 'local', sessionId: opts.sessionId, logName: `[internal] load metadata for ${ref}` }),
    ),
  );
  return new Map(refs.map((ref, i) => [ref, pickBaseConfig(raw[i].config)]));
}
