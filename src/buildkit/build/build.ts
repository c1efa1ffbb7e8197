/**
 * `buildProject`: plan → LLB → session → solve → export, the way `docker buildx build` behaves, returning
 * the summary that `cogpack build --json` prints.
 *
 * Reproducibility: every exporter gets `source-date-epoch` (the project's last commit by default), which
 * fixes config/history timestamps while base layers stay shared. `--reproducible` also sets
 * `rewrite-timestamp` so layer file mtimes are clamped to the epoch; Docker 26.1's `moby` exporter refuses
 * that option, so the image is stored with the `image` exporter (same containerd store, runnable by name).
 * Trade-off: BuildKit then re-writes every layer, base layers included; they keep their diffIDs only when
 * no base file is newer than the epoch (true when the epoch is the last commit and the base is older).
 */
import { loadImageMap } from '../../../planner/image-map';
import { planProject } from '../../../stacks/plan-project';
import type { PlanData } from '../../../planner/plan-schema';
import { secretMounts } from '../../../planner/plan-walk';
import type { OciImageConfig } from '../../../llb';
import { UsageError } from '../../errors';
import { connectBuildkit, type BuildkitConnection } from '../connection/connection';
import type { TlsFiles } from '../connection/endpoint';
import { sourceDateEpoch } from './epoch';
import { compressionAttrs } from '../export/compression';
import { defaultOutputs, fileSendTargets, imageNames, toExporter } from '../export/exporters';
import { checkOutputWritable, parseCacheSpec, parseOutputSpec, type OutputSpec } from '../export/output-spec';
import { checkImageRefs } from './image-ref';
import { createProgress, type ProgressMode, type ProgressOutput } from '../progress/progress';
import { checkSecretSources, newSessionId, parseSecretSpecs, sessionContexts, startSession, type SecretSource } from '../session';
import { solve, type GatewayDriver } from '../solve/solve';
import { baseImageRefs, planToImage, solveImage, type AttestContext, type ImagePlan } from './plan-to-image';
import { gitLabels } from './cog-build-labels';
import type { StatusResponse } from '../progress/status-types';
import { BuildError } from '../errors';
import { explainTooLarge } from '../solve/definition-size';
import { makeSummary, type BuildSummary } from './summary';
import { collectLayers, fetchBaseInfo, type BaseInfo } from './build-image-info';
import { mark, markWhen } from '../../trace';
import { prepareLocalCaches, updateCacheIndexes, type LocalCaches } from '../export/cache-local';
import { unusedBuildArgWarnings, withPlannerArgs } from './build-args';
import { inputsRecord, withInputsLabel } from '../../../planner/inputs';
import { imageToReplace, withReasons } from './why';
import { provenanceAttrs, type AttestRequest } from '../../attest';
import { attestRequest, cliFacts, cliParameters, daemonProvenanceMode, provenanceWarnings } from './build-attest';

export type { BuildSummary } from './summary';

export interface BuildOptions {
  tags?: string[];
  /** `--output` specs as typed by the user */
  outputs?: string[];
  secrets?: string[];
  /** meanings in ./build-args.ts: COGPACK_* configure the planner (below explicit options), proxies reach every RUN */
  buildArgs?: Record<string, string>;
  cacheFrom?: string[];
  cacheTo?: string[];
  noCache?: boolean;
  reproducible?: boolean;
  /** `gzip|zstd|uncompressed[,level=N]` for every image output (compression.ts; default zstd) */
  compression?: string;
  /**
   * `--provenance` value (`mode=min|max`, `false`…; src/attest/request.ts): SLSA provenance attached to the image.
   * Unset: mode=min when an output pushes, as buildx; none otherwise.
   */
  provenance?: string;
  /** `--sbom` (true, or a value such as `false`): the SPDX SBOM attached to the image */
  sbom?: boolean | string;
  /** overrides SOURCE_DATE_EPOCH / the last commit */
  sourceDateEpoch?: string;
  progress?: ProgressMode;
  progressOut?: ProgressOutput;
  imageMap?: Record<string, string>;
  cogSdk?: string;
  /** refuse a cog.yaml that names no predictor (the CLI's `build` and `predict`, as `cog build`) */
  requirePredictor?: boolean;
  addr?: string;
  tls?: TlsFiles;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  dockerConfigPath?: string;
  /** an already-open connection (the caller closes it) */
  connection?: BuildkitConnection;
}

interface Prepared {
  outputs: OutputSpec[];
  secrets: Record<string, SecretSource>;
  /** --cache-from/--cache-to, type=local ones resolved to their directories and session stores */
  caches: LocalCaches;
  /** SOURCE_DATE_EPOCH: a given value at once, else the git lookup running beside planning and connecting */
  epoch: Promise<number>;
  /** exporter attrs of --compression for every image output */
  compression: Record<string, string>;
  /** the project's git commit labels (cog-build-labels.ts), looked up beside planning too */
  git: Promise<Record<string, string>>;
  /** the attestations to attach (none: the request is empty) */
  attest: AttestRequest;
}

/** Everything that can be wrong with the flags is found before planning or connecting. */
function prepare(dir: string, o: BuildOptions, env: NodeJS.ProcessEnv): Prepared {
  const outputs = (o.outputs ?? []).map(parseOutputSpec);
  checkImageRefs(o.tags ?? [], '-t');
  for (const out of outputs)
    if (out.attrs.name)
      checkImageRefs(
        out.attrs.name
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
        '--output name=',
      );
  outputs.forEach(checkOutputWritable);
  const secrets = parseSecretSpecs(o.secrets ?? []);
  checkSecretSources(secrets, env);
  return {
    outputs,
    secrets,
    caches: prepareLocalCaches(
      (o.cacheFrom ?? []).map((s) => parseCacheSpec(s, '--cache-from')),
      (o.cacheTo ?? []).map((s) => parseCacheSpec(s, '--cache-to')),
    ),
    epoch: sourceDateEpoch(dir, o.sourceDateEpoch ?? o.buildArgs?.SOURCE_DATE_EPOCH, env),
    compression: compressionAttrs(o.compression),
    git: gitLabels(dir, env),
    attest: attestRequest(o, outputs),
  };
}

/**
 * A required secret mount with no --secret for it is a usage error now, not a failed RUN later; a --secret
 * that no step mounts is a warning (a typo in the id, or a cog.yaml that lost its mount).
 */
export function checkSecrets(plan: PlanData, secrets: Record<string, SecretSource>): string[] {
  const used = new Set<string>();
  for (const m of secretMounts(plan)) {
    used.add(m.id);
    if (m.required && !secrets[m.id]) {
      throw new UsageError('E_SECRET_MISSING', `stage ${m.stage.id} needs secret "${m.id}"`, {
        hint: `pass --secret id=${m.id},src=FILE or --secret id=${m.id},env=VAR`,
      });
    }
  }
  return Object.keys(secrets)
    .filter((id) => !used.has(id))
    .map((id) => `--secret id=${id}: no step mounts this secret (build.run mounts: type=secret,id=…)`);
}

export async function buildProject(dir: string, options: BuildOptions = {}): Promise<BuildSummary> {
  mark('modules loaded, build starts');
  const t0 = Date.now();
  const env = options.env ?? process.env;
  const prep = prepare(dir, options, env);
  // the connection's round trips run while the planner works; a planning error still comes first
  const connecting = options.connection ? Promise.resolve(options.connection) : connectBuildkit({ addr: options.addr, env, tls: options.tls });
  connecting.catch(() => undefined); // its error is thrown below, after planning; not an unhandled rejection meanwhile
  let planned;
  let secretWarnings: string[];
  try {
    const plannerEnv = withPlannerArgs(env, options.buildArgs ?? {});
    planned = await planProject(dir, {
      imageMap: options.imageMap ?? loadImageMap([], plannerEnv),
      cogSdk: options.cogSdk,
      env: plannerEnv,
      requirePredictor: options.requirePredictor,
    });
    secretWarnings = checkSecrets(planned.plan, prep.secrets);
  } catch (e) {
    if (!options.connection)
      connecting.then(
        (c) => c.close(),
        () => undefined,
      );
    throw e;
  }
  mark('planned');
  // the inputs record (file digests of the contexts) is made while the connection opens; it goes into the image as a label
  const recording = inputsRecord(planned.plan, dir, env);
  recording.catch(() => undefined); // awaited below
  const warnings = [
    ...planned.warnings,
    ...secretWarnings,
    ...unusedBuildArgWarnings(options.buildArgs ?? {}),
    ...prep.caches.warnings,
    ...provenanceWarnings(prep.attest, options.buildArgs ?? {}),
  ];
  const planMs = Date.now() - t0;
  const conn = await connecting.catch(async (e: unknown) => {
    await recording.catch(() => undefined);
    throw e;
  });
  mark('connected');
  try {
    // looked up before the solve, which moves the name to the new image; meanwhile the session opens and the
    // base configs come (neither needs the label), so a rebuild pays the lookup only when it is the slowest
    const previous = markWhen('previous image', imageToReplace(conn, buildNames(options, prep)));
    const plan = markWhen(
      'inputs recorded',
      recording.then((record) => withInputsLabel(planned.plan, record)),
    );
    plan.catch(() => undefined); // settled in buildOnConnection before anything can throw
    const summary = await buildOnConnection(dir, planned.plan, { plan, before: previous }, prep, options, conn);
    const labelled = await plan;
    const done = withReasons(summary, await previous, await recording, labelled);
    return { ...done, warnings: [...warnings, ...done.warnings], timings: { ...done.timings, planMs, totalMs: Date.now() - t0 } };
  } finally {
    if (!options.connection) conn.close();
  }
}

function buildNames(o: BuildOptions, prep: Prepared): string[] {
  return imageNames(o.tags ?? [], prep.outputs.find((x) => x.attrs.name)?.attrs.name)
    .split(',')
    .filter(Boolean);
}

/**
 * The session opens while the base images' configs are fetched; the LLB needs those configs' Env. `plan` is
 * the plan without its inputs label (contexts and bases are the same); `later.plan`, with the label, is what is
 * built, and `later.before` settles before the solve starts.
 */
async function buildOnConnection(
  dir: string,
  plan: PlanData,
  later: { plan: Promise<PlanData>; before: Promise<unknown> },
  prep: Prepared,
  o: BuildOptions,
  conn: BuildkitConnection,
): Promise<BuildSummary> {
  const outputs = prep.outputs.length ? prep.outputs : defaultOutputs({ daemon: conn.kind });
  const sessionId = newSessionId();
  // the images' Env is part of the LLB (execs start from their base's env), so the LLB waits for the configs;
  // their request goes out first, and is answered while the session server is being set up
  const basing = fetchBaseInfo(conn, baseImageRefs(plan), { platform: plan.platform, sessionId });
  basing.catch(() => undefined); // settled below
  const opening = startSession(conn, {
    id: sessionId,
    projectDir: dir,
    contexts: sessionContexts(dir, plan.contexts),
    secrets: prep.secrets,
    fileSend: fileSendTargets(outputs),
    contentStores: prep.caches.stores,
    dockerConfigPath: o.dockerConfigPath,
    env: o.env ?? process.env,
  });
  const [session, base, epoch, git, labelled, before] = await Promise.allSettled([opening, basing, prep.epoch, prep.git, later.plan, later.before]);
  if (session.status === 'rejected') {
    throw session.reason;
  }
  try {
    if (labelled.status === 'rejected') throw labelled.reason;
    if (before.status === 'rejected') throw before.reason;
    if (base.status === 'rejected') throw base.reason;
    if (epoch.status === 'rejected') throw epoch.reason;
    mark('session and base config');
    const labels = git.status === 'fulfilled' ? git.value : {};
    const usesCache = prep.caches.imports.length + prep.caches.exports.length > 0;
    const image = planToImage(labelled.value, {
      configs: base.value.configs,
      sessionId,
      noCache: o.noCache,
      buildArgs: o.buildArgs,
      labels,
      readBack: !usesCache,
      attest: prep.attest,
    });
    return await solvePlan(prep, outputs, o, conn, { dir, image, base: base.value, sessionId, epoch: epoch.value, labels });
  } finally {
    await session.value.close();
  }
}

/**
 * A cog model's image needs labels read from the built filesystem (pip freeze), known only after the solve
 * has begun, and attestation documents (src/attest, the SBOM) are made from the solved image: such builds run
 * as gateway builds that return the config and attestations with the result (plan-to-image.ts solveImage); other
 * images pass the config to the exporters up front. With --cache-from/--cache-to a cog model still gets no pip_freeze label (and stays a
 * plain solve unless attestations are asked for). Found: as a gateway build, the build.run layer restored from
 * an imported cache came back with another diffID because the daemon uses a gateway build's --cache-from only
 * for LLBBridge solves that name it (SolveRequest.CacheImports, as the Dockerfile frontend sends them); ours
 * named none, so the build.run step ran again inside the pip freeze read-back and its files got new mtimes
 * (the layer tars differed only there). The bridge now sends the imports with every solve (controlBridge), and
 * with that the diffIDs in src/buildkit/export/cache-import.int.test.ts match; but its control step (forget the
 * records, rebuild without --cache-from: the step must run) then reported build.run cached, not understood yet,
 * so the exception stays. The SLSA provenance itself is the daemon's (src/attest/provenance.ts).
 */
function imageConfigRoute(image: ImagePlan, noCache: boolean | undefined, attest: AttestContext): { exportConfig?: OciImageConfig; gateway?: GatewayDriver } {
  if (!image.gateway) return { exportConfig: image.config };
  return {
    gateway: async (bridge) => {
      const solved = await solveImage(bridge, image, { noCache, attest });
      const metadata = { 'containerimage.config': Buffer.from(JSON.stringify(solved.config)) };
      return { ref: solved.ref, metadata, ...(solved.attestations ? { attestations: solved.attestations } : {}) };
    },
  };
}

async function solvePlan(
  prep: Prepared,
  outputs: OutputSpec[],
  o: BuildOptions,
  conn: BuildkitConnection,
  pre: { dir: string; image: ImagePlan; base: BaseInfo; sessionId: string; epoch: number; labels: Record<string, string> },
): Promise<BuildSummary> {
  const { image, base, sessionId, epoch } = pre;
  const { plan, llb } = image;
  const names = imageNames(o.tags ?? [], outputs.find((x) => x.attrs.name)?.attrs.name)
    .split(',')
    .filter(Boolean);
  const route = imageConfigRoute(image, o.noCache, {
    sessionId,
    imageNames: names,
    sourceDateEpoch: epoch,
    contextDir: pre.dir,
    facts: () => cliFacts(pre.dir, plan, cliParameters(o, prep.attest, outputs, Object.keys(prep.secrets)), pre.labels),
  });
  const ctx = {
    daemon: conn.kind,
    tags: o.tags ?? [],
    config: route.exportConfig,
    sourceDateEpoch: epoch,
    reproducible: Boolean(o.reproducible),
    compression: prep.compression,
  };
  const exporters = outputs.map((out) => toExporter(out, ctx));
  const progress = createProgress(o.progress ?? 'auto', o.progressOut ?? process.stderr);
  const daemonMode = daemonProvenanceMode(prep.attest, o.buildArgs ?? {});
  const attrs = { ...epochAttrs(epoch), ...(daemonMode ? provenanceAttrs(daemonMode) : {}) };
  const t = Date.now();
  const request = {
    definition: llb.definition,
    exporters,
    sessionId,
    frontendAttrs: attrs,
    cacheImports: prep.caches.imports,
    cacheExports: prep.caches.exports,
    onStatus: (s: StatusResponse) => progress.onStatus(s),
    signal: o.signal,
    gateway: route.gateway,
  };
  let res;
  try {
    res = await solve(conn, request).catch((e: unknown) => {
      // BuildKit v0.13's rewrite-timestamp export now and then fails with a bare "not found" (a layer blob it
      // had not materialised yet); the same solve again, all cached, succeeds. Only this case is retried.
      if (o.reproducible && e instanceof BuildError && /^not found/.test(e.message)) return solve(conn, request);
      throw e;
    });
  } catch (e) {
    progress.finish(true);
    throw explainTooLarge(e, plan, llb.definition.length);
  }
  progress.finish();
  updateCacheIndexes(prep.caches, res.exporterResponse);
  mark('solved');
  const solveMs = Date.now() - t;
  const layers = await collectLayers(conn, outputs, names, res.exporterResponse);
  mark('layers');
  return makeSummary({
    ref: res.ref,
    returnedAtExport: res.returnedAtExport,
    plan,
    names,
    outputs,
    exporterResponse: res.exporterResponse,
    layers,
    baseLayerCount: base.layerCount,
    stageLayers: llb.stageLayers,
    layerDigests: llb.layerDigests,
    layerNames: layerNames(llb),
    book: progress.book,
    sourceDateEpoch: epoch,
    warnings: pre.base.warning ? [pre.base.warning] : [],
    planMs: 0,
    solveMs,
    totalMs: 0,
  });
}

function layerNames(llb: { layerDigests: Record<string, string>; ops: readonly { digest: string; name: string }[] }): Record<string, string> {
  const names = new Map(llb.ops.map((op) => [op.digest, op.name]));
  return Object.fromEntries(Object.entries(llb.layerDigests).map(([id, d]) => [id, names.get(d) ?? '']));
}

/**
 * The daemon copies `build-arg:SOURCE_DATE_EPOCH` into the exporters. No other build arg is sent as an attr: no
 * frontend reads them here, and the daemon keeps attrs in its build history (a proxy URL may hold a password).
 */
function epochAttrs(epoch: number): Record<string, string> {
  return { 'build-arg:SOURCE_DATE_EPOCH': String(epoch) };
}
