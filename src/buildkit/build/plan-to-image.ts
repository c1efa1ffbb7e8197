/**
 * The one pipeline from a plan to an image, shared by `cogpack build` (build.ts: Solve + exporters) and the
 * frontend (src/frontend/image-result.ts: the gateway's Return): base image configs → each stage's base Env →
 * planToLlb → the runtime base's config under the plan's, with the labels known before the solve; then, on a
 * gateway bridge, the solve, the labels read back from the built filesystem and the attestations.
 */
import { envImageRefs, imageEnvOf, marshal, mergeImageConfig, planToLlb, type LlbResult, type OciImageConfig } from '../../../llb';
import type { PlanData } from '../../../planner/plan-schema';
import { attestationDocuments, wantsDocuments, type AttestRequest, type BuildFacts } from '../../attest';
import { baseImageDigests } from '../../attest/facts';
import { gatewayAttestations, type PbAttestations } from '../../attest/gateway';
import type { LlbBridge } from '../gateway/bridge';
import { proxyEnvFromBuildArgs } from './build-args';
import { mark } from '../../trace';
import { pipFreezeLabels, runtimeSchema, wantsCogBuildLabels, wantsRuntimeSchema, withLabels } from './cog-build-labels';

export type BaseConfigs = ReadonlyMap<string, Partial<OciImageConfig> | null>;

export interface PlanToImageOptions {
  /** the config of each of `baseImageRefs(plan)` (null or absent: not to be had; the image gets the plan's config only) */
  configs: BaseConfigs;
  sessionId?: string;
  noCache?: boolean;
  /** proxies among them reach every RUN (not its cache key); the others are not read here */
  buildArgs?: Readonly<Record<string, string>>;
  /** the session local serving a plan context (planToLlb's default: the context's own name) */
  localName?: (context: string) => string;
  /** labels known before the solve (the CLI's git labels) */
  labels?: Record<string, string>;
  /** false: no label read back from the built filesystem (the CLI with --cache-from/--cache-to, see build.ts) */
  readBack?: boolean;
  attest?: AttestRequest;
}

export interface ImagePlan {
  plan: PlanData;
  llb: LlbResult;
  /** the image config before the solve: what an exporter gets when nothing is read back */
  config: OciImageConfig;
  /** what is read from the built filesystem: cog's pip_freeze (and SDK version) labels, the runtime OpenAPI schema */
  readBack: { pipFreeze: boolean; runtimeSchema: boolean };
  attest: AttestRequest;
  /** the image needs a gateway build (something is read back or attested); else a plain solve with `config` will do */
  gateway: boolean;
}

/** The images whose config the pipeline needs: the runtime base (its config is the image's), then every stage's base (its Env). */
export function baseImageRefs(plan: PlanData): string[] {
  return [...new Set([plan.base_image.runtime, ...envImageRefs(plan)])];
}

export function planToImage(plan: PlanData, o: PlanToImageOptions): ImagePlan {
  const imageEnv = imageEnvOf(Object.fromEntries(envImageRefs(plan).map((r) => [r, o.configs.get(r)])));
  const proxyEnv = proxyEnvFromBuildArgs(o.buildArgs ?? {});
  const llb = planToLlb(plan, { sessionId: o.sessionId, noCache: o.noCache, proxyEnv, imageEnv, ...(o.localName ? { localName: o.localName } : {}) });
  const config = withLabels(mergeImageConfig(llb.imageConfig, o.configs.get(plan.base_image.runtime) ?? null), o.labels ?? {});
  const readBack = o.readBack ?? true;
  const reads = { pipFreeze: readBack && wantsCogBuildLabels(plan), runtimeSchema: readBack && wantsRuntimeSchema(plan) };
  const attest = o.attest ?? {};
  return { plan, llb, config, readBack: reads, attest, gateway: reads.pipFreeze || reads.runtimeSchema || wantsDocuments(attest) };
}

/** What the attestations need besides the image (src/attest AttestInput). */
export interface AttestContext {
  sessionId?: string;
  imageNames: string[];
  sourceDateEpoch?: number;
  contextDir?: string;
  facts?: () => Promise<BuildFacts>;
}

export interface SolvedImage {
  ref: string;
  config: OciImageConfig;
  attestations?: PbAttestations;
}

/** On a gateway bridge: solve, read back the labels (the schema adds a layer, so a second solve), then attest. */
export async function solveImage(bridge: LlbBridge, image: ImagePlan, o: { noCache?: boolean; attest?: AttestContext } = {}): Promise<SolvedImage> {
  const { plan, llb, readBack } = image;
  const { noCache } = o;
  let ref = await bridge.solve(llb.definition); // lazy: returns the ref at once, the exporter builds it
  mark('gateway: image solved (lazy)');
  const labels = readBack.pipFreeze ? await pipFreezeLabels(bridge, llb.freezeRoot, image.config, { noCache }) : {};
  mark('gateway: pip freeze read');
  if (readBack.runtimeSchema) {
    const schema = await runtimeSchema(bridge, llb.image, image.config, { noCache });
    Object.assign(labels, schema.labels);
    ref = await bridge.solve(marshal(schema.image, { ignoreCache: noCache }).definition);
  }
  const config = withLabels(image.config, labels);
  if (!wantsDocuments(image.attest) || !o.attest) return { ref, config };
  const a = o.attest;
  const [baseImages, facts] = await Promise.all([baseImageDigests(bridge, plan, a.sessionId), image.attest.provenance && a.facts ? a.facts() : undefined]);
  const input = { bridge, ref, plan, llb, config, imageNames: a.imageNames, baseImages, sourceDateEpoch: a.sourceDateEpoch, contextDir: a.contextDir, facts };
  const docs = await attestationDocuments(input, image.attest);
  return { ref, config, attestations: await gatewayAttestations(bridge, docs, plan, image.attest) };
}
