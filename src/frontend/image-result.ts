/**
 * Plan → the frontend's result: the same `planToLlb` as `cogpack build` (every plan context served by the
 * client's `context` local, the Env of each stage's base image from ResolveImageConfig), the runtime base's
 * config under the plan's, one Solve (plus, for a cog model, the pip freeze read back for its label).
 */
import { envImageRefs, imageEnvOf, marshal, mergeImageConfig, planToLlb, type LlbResult, type OciImageConfig } from '../../llb';
import type { PlanData } from '../../planner/plan-schema';
import { UsageError } from '../errors';
import { proxyEnvFromBuildArgs } from '../buildkit/build/build-args';
import { pipFreezeLabels, runtimeSchema, wantsCogBuildLabels, wantsRuntimeSchema, withLabels } from '../buildkit/build/cog-build-labels';
import type { LlbBridge } from '../buildkit/gateway/bridge';
import { checkPlatforms, type FrontendOptions } from './options';

export interface ImageResult {
  refId: string;
  config: OciImageConfig;
  /** digest of the image's top op, for warnings */
  resultDigest: string;
  /** the plan's LLB (states the attestation generators read) */
  llb: LlbResult;
}

/** The base config fields `cogpack build` takes from Docker's image inspect, so both paths merge the same thing. */
const BASE_CONFIG_KEYS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'] as const;

export function pickBaseConfig(raw: Buffer): Partial<OciImageConfig> | null {
  if (raw.length === 0) return null;
  const img = JSON.parse(raw.toString('utf8')) as { architecture?: string; os?: string; config?: Record<string, unknown> };
  const config: Record<string, unknown> = {};
  for (const key of BASE_CONFIG_KEYS) {
    const v = img.config?.[key];
    if (v !== null && v !== undefined && v !== '') config[key] = v;
  }
  return { architecture: img.architecture, os: img.os, config };
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

export async function solvePlan(bridge: LlbBridge, opts: FrontendOptions, plan: PlanData): Promise<ImageResult> {
  checkPlatforms(opts, plan.platform);
  checkContexts(plan);
  const proxyEnv = proxyEnvFromBuildArgs(opts.buildArgs); // as `cogpack build` does: every RUN, not the cache key
  const runtime = plan.base_image.runtime;
  const envRefs = envImageRefs(plan);
  // the images' Env is part of the LLB (execs start from their base's env, as `cogpack build` gives them)
  const configs = await resolveConfigs(bridge, opts, plan, [runtime, ...envRefs]);
  const imageEnv = imageEnvOf(Object.fromEntries(envRefs.map((r) => [r, configs.get(r)])));
  const llb = planToLlb(plan, { sessionId: opts.sessionId, noCache: opts.noCache, localName: () => opts.contextKey, proxyEnv, imageEnv });
  let refId = await bridge.solve(llb.definition); // lazy: returns the ref at once, the exporter builds it
  const config = mergeImageConfig(llb.imageConfig, configs.get(runtime) ?? null);
  // cog's pip_freeze label, read inside the build exactly as `cogpack build` does, so both give the same config
  const labels = wantsCogBuildLabels(plan) ? await pipFreezeLabels(bridge, llb.freezeRoot, config, { noCache: opts.noCache }) : {};
  if (wantsRuntimeSchema(plan)) {
    const schema = await runtimeSchema(bridge, llb.image, config, { noCache: opts.noCache });
    Object.assign(labels, schema.labels);
    refId = await bridge.solve(marshal(schema.image, { ignoreCache: opts.noCache }).definition);
  }
  return { refId, config: withLabels(config, labels), resultDigest: llb.result, llb };
}

/**
 * Each image's config from the daemon's resolver, each asked once, all at once. `local` (prefer the daemon's
 * store, pull only if missing): `cogpack build` reads the same config from the local store, and the default mode
 * asks the registry first on every build.
 */
async function resolveConfigs(bridge: LlbBridge, opts: FrontendOptions, plan: PlanData, refs: string[]): Promise<Map<string, Partial<OciImageConfig> | null>> {
  const platform = { OS: plan.platform.os, Architecture: plan.platform.arch };
  const unique = [...new Set(refs)];
  const raw = await Promise.all(unique.map((ref) =>
    bridge.resolveImageConfig(ref, platform, { resolveMode: 'local', sessionId: opts.sessionId, logName: `[internal] load metadata for ${ref}` })));
  return new Map(unique.map((ref, i) => [ref, pickBaseConfig(raw[i].config)]));
}
