/**
 * Typed calls of BuildKit's LLBBridge (moby.buildkit.v1.frontend), the daemon-side API a frontend image
 * uses: Ping, Solve, ReadFile/ReadDir/StatFile on solved refs, ResolveImageConfig, Warn and Return.
 */
import * as protobuf from 'protobufjs/light';
import descriptor from './llbbridge.json';
import { installPrecompiledCodecs } from '../../protobuf/proto-codecs';

/** Anything that performs one unary call (H2GrpcClient on stdio, or a test double). */
/** gateway.proto Attestation as protobufjs fromObject takes it (enums by number: InToto = 0, Self = 0). */
export interface PbAttestation {
  kind: number;
  metadata?: Record<string, Buffer>;
  ref: { id: string };
  path: string;
  inTotoPredicateType: string;
  inTotoSubjects: { kind: number }[];
}

export type PbAttestations = Record<string, { attestation: PbAttestation[] }>;

export interface UnaryTransport {
  unary(path: string, request: Uint8Array): Promise<Buffer>;
}

/** fsutil.types.Stat as decoded (int64 fields as strings; Go os.FileMode bits in mode). */
export interface FsStat {
  path: string;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: string;
  modTime?: string;
  linkname?: string;
}

export interface PlatformSpec {
  OS: string;
  Architecture: string;
  Variant?: string;
}

export interface ImageConfigResult {
  digest: string;
  /** the image config JSON as the registry/store holds it */
  config: Buffer;
}

const SERVICE = '/moby.buildkit.v1.frontend.LLBBridge/';
const PKG = 'moby.buildkit.v1.frontend.';

let root: protobuf.Root | undefined;

/**
 * From the pre-built descriptor (bridge-descriptor.ts): no .proto parsing and no grpc-js at start-up; the
 * codecs are the CLI's precompiled ones (same generator output for these types), not generated at run time.
 */
function protoType(fullName: string): protobuf.Type {
  root ??= installPrecompiledCodecs(protobuf.Root.fromJSON(descriptor as protobuf.INamespace));
  return root.lookupType(fullName);
}

function encode(type: string, obj: Record<string, unknown>): Uint8Array {
  const T = protoType(PKG + type);
  return T.encode(T.fromObject(obj)).finish();
}

function decode<T>(type: string, buf: Buffer): T {
  const Msg = protoType(PKG + type);
  return Msg.toObject(Msg.decode(buf), { longs: String, oneofs: true }) as T;
}

/** A cache to import (`--cache-from`), as the gateway's SolveRequest.CacheImports carries it. */
export interface CacheImport {
  type: string;
  attrs: Record<string, string>;
}

export class LlbBridge {
  /**
   * `cacheImports` go with every Solve: the daemon hands a gateway build's --cache-from to its client (as the
   * `cache-imports` attr) and uses an imported cache only for solves that name it, as the Dockerfile frontend's do.
   */
  constructor(
    private readonly transport: UnaryTransport,
    private readonly cacheImports: readonly CacheImport[] = [],
  ) {}

  private async call<T>(method: string, reqType: string, req: Record<string, unknown> | Uint8Array, resType: string): Promise<T> {
    const bytes = req instanceof Uint8Array ? req : encode(reqType, req);
    return decode<T>(resType, await this.transport.unary(SERVICE + method, bytes));
  }

  /** Caps the daemon enables, by id (LLB caps such as `mergeop`, `diffop`; gateway caps such as `readdir`). */
  async ping(): Promise<{ llbCaps: Set<string>; apiCaps: Set<string> }> {
    type Cap = { ID: string; Enabled?: boolean };
    const res = await this.call<{ FrontendAPICaps?: Cap[]; LLBCaps?: Cap[] }>('Ping', 'PingRequest', {}, 'PongResponse');
    const on = (caps: Cap[] = []) => new Set(caps.filter((c) => c.Enabled).map((c) => c.ID));
    return { llbCaps: on(res.LLBCaps), apiCaps: on(res.FrontendAPICaps) };
  }

  /**
   * Solves a marshalled pb.Definition (sent byte for byte as field 1) and returns the result ref id.
   * Lazy unless `evaluate`: ReadFile/ReadDir on the ref build it on demand.
   */
  async solve(definition: Uint8Array, opts: { evaluate?: boolean } = {}): Promise<string> {
    const CacheImports = this.cacheImports.length ? this.cacheImports.map((c) => ({ Type: c.type, Attrs: c.attrs })) : undefined;
    const head = encode('SolveRequest', { allowResultReturn: true, allowResultArrayRef: true, Evaluate: opts.evaluate || undefined, CacheImports });
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).bytes(definition);
    const req = Buffer.concat([head, w.finish()]);
    const res = await this.call<{ ref?: string; result?: { ref?: { id?: string }; refDeprecated?: string } }>('Solve', 'SolveRequest', req, 'SolveResponse');
    return res.result?.ref?.id ?? res.result?.refDeprecated ?? res.ref ?? '';
  }

  async readFile(ref: string, filePath: string, range?: { offset: number; length: number }): Promise<Buffer> {
    const req = { Ref: ref, FilePath: filePath, Range: range ? { Offset: range.offset, Length: range.length } : undefined };
    const res = await this.call<{ Data?: Buffer }>('ReadFile', 'ReadFileRequest', req, 'ReadFileResponse');
    return Buffer.from(res.Data ?? []);
  }

  /** One directory level (BuildKit does not recurse); entry paths are names relative to `dirPath`. */
  async readDir(ref: string, dirPath: string, includePattern?: string): Promise<FsStat[]> {
    const res = await this.call<{ entries?: FsStat[] }>(
      'ReadDir',
      'ReadDirRequest',
      { Ref: ref, DirPath: dirPath, IncludePattern: includePattern },
      'ReadDirResponse',
    );
    return res.entries ?? [];
  }

  async statFile(ref: string, filePath: string): Promise<FsStat | undefined> {
    const res = await this.call<{ stat?: FsStat }>('StatFile', 'StatFileRequest', { Ref: ref, Path: filePath }, 'StatFileResponse');
    return res.stat;
  }

  async resolveImageConfig(
    ref: string,
    platform: PlatformSpec,
    opts: { resolveMode?: string; sessionId?: string; logName?: string } = {},
  ): Promise<ImageConfigResult> {
    const req = { Ref: ref, Platform: platform, ResolveMode: opts.resolveMode, SessionID: opts.sessionId, LogName: opts.logName };
    const res = await this.call<{ Digest?: string; Config?: Buffer }>('ResolveImageConfig', 'ResolveImageConfigRequest', req, 'ResolveImageConfigResponse');
    return { digest: res.Digest ?? '', config: Buffer.from(res.Config ?? []) };
  }

  /** A warning attached to a vertex; buildx ≥ 0.14 prints it after the build, older clients ignore it. */
  async warn(digest: string, short: string, detail: string[] = []): Promise<void> {
    const req = { digest, level: 1, short: Buffer.from(short), detail: detail.map((d) => Buffer.from(d)) };
    await this.call('Warn', 'WarnRequest', req, 'WarnResponse');
  }

  /**
   * The build's result: the solved ref plus exporter metadata such as `containerimage.config`, and the
   * attestations to attach (src/attest/gateway.ts: platform key → in-toto attestations).
   */
  async returnResult(refId: string, metadata: Record<string, Buffer>, attestations?: PbAttestations): Promise<void> {
    const sorted = Object.fromEntries(
      Object.keys(metadata)
        .sort()
        .map((k) => [k, metadata[k]]),
    );
    const atts = attestations && Object.keys(attestations).length ? attestations : undefined;
    await this.call('Return', 'ReturnRequest', { result: { ref: { id: refId }, metadata: sorted, attestations: atts } }, 'ReturnResponse');
  }

  /** Fails the build with `message`, which is what the user's terminal shows. */
  async returnError(code: number, message: string): Promise<void> {
    await this.call('Return', 'ReturnRequest', { error: { code, message } }, 'ReturnResponse');
  }
}
