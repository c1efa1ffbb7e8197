/**
 * One frontend run, start to Return: options, caps check, entry file, plan, solve, and the result with
 * `containerimage.config`. Any failure goes back through Return as the one line the CLI would print.
 */
import { CogpackError, InternalError } from '../errors';
import { BuildError } from '../buildkit/errors';
import { unusedBuildArgWarnings } from '../buildkit/build/build-args';
import { LlbBridge, type UnaryTransport } from '../buildkit/gateway/bridge';
import { GrpcCallError } from '../buildkit/connection/h2-grpc';
import { solvePlan } from './image-result';
import { parseFrontendOptions } from './options';
import { planBuild } from './plan-context';
import { attestRequestFromFrontendOpts } from '../attest/request';
import { frontendAttestContext } from './attestations';
import { log } from './stdio';

/** gRPC UNKNOWN: any other code makes the daemon prefix its name ("InvalidArgument: ") at every layer it passes. */
const GRPC_UNKNOWN = 2;

/** `cogpack: error: cog.yaml:3: … [E_CODE]`, exactly what `cogpack build` prints for the same error. */
export function errorLine(e: unknown): { code: number; message: string } {
  if (e instanceof CogpackError) return { code: GRPC_UNKNOWN, message: `cogpack: error: ${e.toOneLine()}` };
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return { code: GRPC_UNKNOWN, message: `cogpack: internal error: ${first}` };
}

async function checkCaps(bridge: LlbBridge): Promise<void> {
  const { llbCaps } = await bridge.ping();
  const missing = ['mergeop', 'diffop'].filter((c) => !llbCaps.has(c));
  if (missing.length) {
    throw new BuildError('E_FRONTEND_CAPS', `the daemon has no ${missing.join('/')} (Docker needs the containerd image store)`, {
      hint: 'set {"features":{"containerd-snapshotter":true}} in daemon.json, or use a standalone buildkitd',
    });
  }
}

/** A daemon call that failed is a build error carrying the daemon's message. */
function asCogpackError(e: unknown): unknown {
  if (e instanceof GrpcCallError) return new BuildError('E_FRONTEND_SOLVE', e.details || e.message, { cause: e });
  if (e instanceof CogpackError || !(e instanceof Error)) return e;
  return new InternalError('E_FRONTEND', e.message, { cause: e });
}

async function build(bridge: LlbBridge, env: NodeJS.ProcessEnv): Promise<void> {
  const t0 = Date.now();
  const opts = parseFrontendOptions(env);
  const attest = attestRequestFromFrontendOpts(opts.raw);
  const caps = checkCaps(bridge);
  caps.catch(() => undefined); // awaited below, after the plan (a planner error is the more useful one)
  const { entry, plan, warnings, files } = await planBuild(bridge, opts, { fileDigests: Boolean(attest.provenance) });
  await caps;
  log(`planned ${entry.kind} entry in ${Date.now() - t0} ms (${plan.export_phases.flatMap((p) => p.stages).length} export stages)`);
  const result = await solvePlan(bridge, opts, plan, { request: attest, context: frontendAttestContext(opts, attest, files) });
  log(`solved ${result.refId} in ${Date.now() - t0} ms`);
  for (const w of [...warnings, ...unusedBuildArgWarnings(opts.buildArgs)]) {
    log(`warning: ${w}`);
    await bridge.warn(result.resultDigest, `cogpack: ${w}`).catch(() => undefined); // clients before buildx 0.14 drop warnings
  }
  await bridge.returnResult(result.refId, { 'containerimage.config': Buffer.from(JSON.stringify(result.config)) }, result.attestations);
  log(`returned the result after ${Date.now() - t0} ms`);
}

/** Runs the frontend on a transport; resolves to the process exit status (0 once Return was delivered). */
export async function runFrontend(transport: UnaryTransport, env: NodeJS.ProcessEnv): Promise<number> {
  const bridge = new LlbBridge(transport);
  try {
    await build(bridge, env);
    return 0;
  } catch (e) {
    const err = asCogpackError(e);
    const { code, message } = errorLine(err);
    log(message);
    if (err instanceof Error && err.stack && !(err instanceof CogpackError && err.category === 'config')) log(err.stack);
    try {
      await bridge.returnError(code, message);
      return 0;
    } catch (e2) {
      log(`could not return the error to the daemon: ${(e2 as Error).message}`);
      return 1;
    }
  }
}
