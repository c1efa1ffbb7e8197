/**
 * One BuildKit solve: Control.Solve with a marshalled Definition, exporters, session and cache options,
 * Status streamed to a callback at the same time, and cancellation that really stops the daemon-side job.
 */
import { randomBytes } from 'crypto';
import * as protobuf from 'protobufjs';
import type { LlbBridge } from '../gateway/bridge';
import type { PbAttestations } from '../gateway/bridge';
import { GRPC_STATUS, type GrpcCallError } from '../connection/h2-grpc';
import type { BuildkitConnection } from '../connection/connection';
import type { ControlClient } from '../connection/control-client';
import { protoType } from '../../protobuf/protos';
import type { StatusResponse, Vertex } from '../progress/status-types';
import { solveError } from './solve-errors';
import { watchExportDone } from './export-done';
import { BuildError, InterruptedError } from '../errors';
import { controlBridge } from '../gateway/read-back';
import { mark } from '../../trace';

export interface ExporterSpec {
  type: string;
  attrs: Record<string, string>;
}

export interface CacheEntry {
  type: string;
  attrs: Record<string, string>;
}

export interface SolveOptions {
  /** marshalled pb.Definition; sent byte-for-byte as SolveRequest field 2 */
  definition: Uint8Array;
  exporters: ExporterSpec[];
  sessionId?: string;
  frontendAttrs?: Record<string, string>;
  cacheImports?: CacheEntry[];
  cacheExports?: CacheEntry[];
  entitlements?: string[];
  onStatus?: (status: StatusResponse) => void;
  /** abort → the Solve call is cancelled, which makes the daemon cancel the job and kill its processes */
  signal?: AbortSignal;
  /** build id (also used for Status); random when absent (it never reaches an image) */
  ref?: string;
  /**
   * Run as a gateway build (as buildx does): the request carries no definition; this function solves through
   * the build's LLBBridge (reading results back as it needs) and returns the result ref with its exporter
   * metadata (`containerimage.config`), which Return hands to the exporters.
   */
  gateway?: GatewayDriver;
}

/** The gateway build's result: its ref, exporter metadata and the attestations to attach (src/attest/gateway.ts). */
export type GatewayDriver = (bridge: LlbBridge) => Promise<{ ref: string; metadata: Record<string, Buffer>; attestations?: PbAttestations }>;

export interface SolveResult {
  ref: string;
  exporterResponse: Record<string, string>;
  /** every vertex as last reported, keyed by digest */
  vertices: Map<string, Vertex>;
  /**
   * true when the build returned as the image exporter finished, before the Solve answered: the daemon is still
   * writing its build-history record (see export-done.ts); the image is complete and named
   */
  returnedAtExport: boolean;
}

const SOLVE_PATH = '/moby.buildkit.v1.Control/Solve';

/**
 * Docker's /grpc endpoint keeps grpc-go's default receive limit (4 MiB) for the whole SolveRequest; a
 * bigger one fails with a bare "received message larger than max". Standalone buildkitd allows more.
 */
export const DOCKER_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const TOO_LARGE = /received message larger than max \((\d+) vs\. (\d+)\)/;

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

function definitionTooLarge(size: number, max: number, addr: string): BuildError {
  return new BuildError('E_DEFINITION_TOO_LARGE', `the build definition is ${mib(size)} (${size} bytes), over the ${mib(max)} gRPC message limit of ${addr}`, {
    hint: 'use fewer, larger stages (declare a weights directory under cog.yaml `weights` rather than thousands of large files, fewer build.run commands), or a standalone buildkitd (BUILDKIT_HOST)',
  });
}

/** The daemon's own "too large" rejection (any endpoint), as the same clear error. */
function tooLargeRejection(e: GrpcCallError, addr: string): BuildError | undefined {
  const m = e.code === GRPC_STATUS.RESOURCE_EXHAUSTED ? TOO_LARGE.exec(e.details ?? '') : null;
  return m ? definitionTooLarge(Number(m[1]), Number(m[2]), addr) : undefined;
}

/** SolveRequest without Definition, then field 2 appended as raw bytes (protobuf allows any field order). */
export function encodeSolveRequest(ref: string, opts: SolveOptions): Buffer {
  const T = protoType('moby.buildkit.v1.SolveRequest');
  const first = opts.exporters[0];
  const msg = T.fromObject({
    Ref: ref,
    ExporterDeprecated: first?.type,
    ExporterAttrsDeprecated: sortedRecord(first?.attrs),
    Session: opts.sessionId,
    FrontendAttrs: sortedRecord(opts.frontendAttrs),
    Cache:
      opts.cacheImports?.length || opts.cacheExports?.length
        ? { Imports: (opts.cacheImports ?? []).map(cacheEntry), Exports: (opts.cacheExports ?? []).map(cacheEntry) }
        : undefined,
    Entitlements: opts.entitlements,
    Exporters: opts.exporters.map((e) => ({ Type: e.type, Attrs: sortedRecord(e.attrs) })),
  });
  const head = T.encode(msg).finish();
  if (opts.gateway) return Buffer.from(head); // no definition: the daemon serves the build's LLBBridge instead
  const w = protobuf.Writer.create();
  w.uint32((2 << 3) | 2).bytes(opts.definition);
  return Buffer.concat([head, w.finish()]);
}

function cacheEntry(e: CacheEntry): { Type: string; Attrs?: Record<string, string> } {
  return { Type: e.type, Attrs: sortedRecord(e.attrs) };
}

function sortedRecord(r?: Record<string, string>): Record<string, string> | undefined {
  if (!r) return undefined;
  return Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
}

function decodeSolveResponse(buf: Buffer): { ExporterResponse?: Record<string, string> } {
  const T = protoType('moby.buildkit.v1.SolveResponse');
  return T.toObject(T.decode(buf), { longs: String }) as { ExporterResponse?: Record<string, string> };
}

export function newBuildRef(): string {
  return randomBytes(13).toString('hex');
}

export async function solve(conn: BuildkitConnection, opts: SolveOptions): Promise<SolveResult> {
  const ref = opts.ref ?? newBuildRef();
  const vertices = new Map<string, Vertex>();
  if (opts.signal?.aborted) throw new InterruptedError();
  const request = encodeSolveRequest(ref, opts);
  // a gateway build sends the definition in an LLBBridge Solve instead, under the same limit
  const size = opts.gateway ? opts.definition.length + 16 : request.length;
  if (conn.kind === 'docker' && size > DOCKER_MAX_REQUEST_BYTES) throw definitionTooLarge(size, DOCKER_MAX_REQUEST_BYTES, conn.addr);
  const exportDone = watchExportDone(
    opts.sessionId,
    opts.exporters.map((e) => e.type),
    opts.cacheExports?.length ?? 0,
    vertices,
  );
  // the Solve call is also dropped once the image is exported (below); the user's abort is the other reason
  const leave = new AbortController();
  const onAbort = () => leave.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // abort → the Solve stream is reset with CANCEL, which cancels the daemon's job and kills its processes
  const solving = conn.control.rpc.unary(SOLVE_PATH, request, { signal: leave.signal });
  solving.catch(() => undefined); // awaited below, after the status stream is set up
  const statusDone = streamStatus(conn.control, ref, vertices, (s) => {
    exportDone?.onStatus(s);
    opts.onStatus?.(s);
  });
  const driving = opts.gateway ? drive(controlBridge(conn, ref, opts.cacheImports), opts.gateway, solving, () => leave.abort()) : Promise.resolve(undefined);
  try {
    const first = await (exportDone ? Promise.race([solving, exportDone.done.then((exported) => ({ exported }))]) : solving);
    if (!Buffer.isBuffer(first)) {
      // everything the client waits for is done; the daemon finishes its history record without us (it runs
      // that under a context the client's cancel does not reach), so dropping the call loses nothing
      leave.abort();
      return { ref, exporterResponse: first.exported, vertices, returnedAtExport: true };
    }
    const res = decodeSolveResponse(first);
    await statusDone.finished(2_000);
    return { ref, exporterResponse: res.ExporterResponse ?? {}, vertices, returnedAtExport: false };
  } catch (e) {
    // the status stream ends when the daemon has torn the job down; wait for it so nothing is left running
    await statusDone.finished(opts.signal?.aborted ? 10_000 : 2_000);
    if (opts.signal?.aborted) throw new InterruptedError();
    const own = await driving;
    if (own) throw typeof (own as Partial<GrpcCallError>).code === 'number' ? solveError(own as GrpcCallError, vertices, conn.addr) : own;
    throw tooLargeRejection(e as GrpcCallError, conn.addr) ?? solveError(e as GrpcCallError, vertices, conn.addr);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    statusDone.stop();
  }
}

/** How long the daemon may take to register a gateway build (it does so after the Solve starts, slower under load). */
const GATEWAY_REGISTER_MS = 120_000;

/**
 * Runs the driver once the daemon serves the build's LLBBridge, and ends the gateway build with its result or
 * its error (the Control.Solve then fails with that message, mapped like any failed solve). If the build can
 * be ended neither way, the Solve call is dropped, so a build never waits for a Return that will not come.
 * Resolves to the error solve() should report instead of the Solve's: a fault of the driver itself (not a gRPC
 * error), or the driver's error when the build could not be ended with it.
 */
async function drive(bridge: LlbBridge, gateway: GatewayDriver, solving: Promise<unknown>, abort: () => void): Promise<Error | undefined> {
  let ended = false;
  solving.then(
    () => (ended = true),
    () => (ended = true),
  );
  let result;
  try {
    // calls naming a build the forwarder has not registered yet fail ("no such job"): wait for it to answer,
    // asking again soon at first (an idle daemon registers it within milliseconds), then every 100 ms
    for (let wait = 10, deadline = Date.now() + GATEWAY_REGISTER_MS; ; await new Promise((r) => setTimeout(r, wait)), wait = Math.min(2 * wait, 100)) {
      try {
        await bridge.ping();
        mark('gateway: bridge answers');
        break;
      } catch (e) {
        if (ended || Date.now() > deadline) throw e;
      }
    }
    result = await gateway(bridge);
    mark('gateway: result');
  } catch (e) {
    if (ended) return undefined;
    const err = e as Partial<GrpcCallError> & Error;
    const code = typeof err.code === 'number' && err.code > 0 ? err.code : GRPC_STATUS.UNKNOWN;
    const returned = await bridge.returnError(code, err.details || err.message).then(
      () => true,
      () => false,
    );
    if (!returned) abort(); // the Solve then fails as cancelled; this error says why
    return typeof err.code === 'number' && returned ? undefined : err;
  }
  await bridge.returnResult(result.ref, result.metadata, result.attestations).catch(() => abort());
  mark('gateway: returned');
  return undefined;
}

interface StatusHandle {
  /** resolves when the stream ended, or after `ms` */
  finished(ms: number): Promise<void>;
  stop(): void;
}

function streamStatus(control: ControlClient, ref: string, vertices: Map<string, Vertex>, onStatus?: (s: StatusResponse) => void): StatusHandle {
  const call = control.stream<StatusResponse>('Status', { Ref: ref }, (msg) => {
    for (const v of msg.vertexes ?? []) vertices.set(v.digest, { ...vertices.get(v.digest), ...v });
    onStatus?.(msg);
  });
  const ended = call.done.catch(() => undefined);
  return {
    finished: (ms) => Promise.race([ended, new Promise<void>((r) => setTimeout(r, ms).unref())]),
    stop: () => call.cancel(),
  };
}
