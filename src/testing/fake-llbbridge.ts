/**
 * Test helper: an LLBBridge server (grpc-js, the real gRPC wire) that plays the daemon for unit tests.
 * Local sources are served from a directory with their include/exclude patterns; every call is recorded.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import ignore from 'ignore';
import { decodeOp } from '../../llb';
import { serviceClient } from '../protobuf/protos';
import { goFileMode } from '../fsutil/walk';
import { READ_BACK_FILE } from '../buildkit/gateway/read-back';

interface View {
  include?: string[];
  exclude?: string[];
}

export interface FakeDaemonOptions {
  /** what the `context` and `dockerfile` locals serve */
  contextDir: string;
  baseConfig?: Record<string, unknown>;
  llbCaps?: string[];
}

export interface FakeDaemon {
  socketPath: string;
  /** every call as [method, request] */
  calls: [string, any][];
  /** definitions solved, in order (raw pb.Definition objects as grpc-js decoded them) */
  solved: { def: Buffer[] }[];
  returned?: { result?: any; error?: { code: number; message: string } };
  /** a client-side stream connected to the server */
  connect(): net.Socket;
  close(): Promise<void>;
}

function localView(def: { def: Buffer[] }): View | null {
  for (const bytes of def.def) {
    const op = decodeOp(bytes);
    const src = op.source;
    if (!src?.identifier?.startsWith('local://')) continue;
    const attrs = src.attrs ?? {};
    const parse = (k: string) => (attrs[k] ? (JSON.parse(attrs[k]) as string[]) : undefined);
    if (def.def.length === 2) return { include: parse('local.includepattern'), exclude: parse('local.excludepatterns') };
  }
  return null;
}

function visible(view: View, rel: string, isDir: boolean): boolean {
  if (
    view.exclude?.length &&
    ignore()
      .add(view.exclude)
      .ignores(isDir ? `${rel}/` : rel)
  )
    return false;
  if (!view.include?.length) return true;
  return view.include.some((p) => p === rel || rel.startsWith(`${p}/`) || (isDir && p.startsWith(`${rel}/`)));
}

function notFound(msg: string): grpc.ServiceError {
  return Object.assign(new Error(msg), { code: grpc.status.NOT_FOUND, details: msg, metadata: new grpc.Metadata() });
}

export async function startFakeDaemon(opts: FakeDaemonOptions): Promise<FakeDaemon> {
  const views = new Map<string, View>();
  const server = new grpc.Server();
  const socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fake-llbbridge-')), 'bridge.sock');
  const fake: FakeDaemon = {
    socketPath,
    calls: [],
    solved: [],
    connect: () => net.connect(socketPath),
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
  const unary = (name: string, fn: (req: any) => any) => (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
    fake.calls.push([name, call.request]);
    try {
      cb(null, fn(call.request));
    } catch (e) {
      cb(e as grpc.ServiceError);
    }
  };
  const resolveIn = (ref: string, p: string) => {
    const view = views.get(ref);
    if (!view) throw notFound(`no ref ${ref}`);
    const rel = path.posix.normalize(p).replace(/^\/+/, '').replace(/^\.$/, '');
    return { view, rel, abs: path.join(opts.contextDir, rel) };
  };
  server.addService(serviceClient('moby.buildkit.v1.frontend.LLBBridge').service, {
    Ping: unary('Ping', () => ({ LLBCaps: (opts.llbCaps ?? ['mergeop', 'diffop']).map((ID) => ({ ID, Enabled: true })) })),
    Solve: unary('Solve', (req) => {
      fake.solved.push(req.Definition);
      const view = localView(req.Definition);
      const id = `ref-${fake.solved.length}`;
      if (view) views.set(id, view);
      return { result: { ref: { id } } };
    }),
    ReadDir: unary('ReadDir', (req) => {
      const { view, rel, abs } = resolveIn(req.Ref, req.DirPath);
      const entries = fs
        .readdirSync(abs)
        .sort()
        .flatMap((name) => {
          const r = rel ? `${rel}/${name}` : name;
          const st = fs.lstatSync(path.join(abs, name), { bigint: true });
          if (!visible(view, r, st.isDirectory())) return [];
          const linkname = st.isSymbolicLink() ? fs.readlinkSync(path.join(abs, name)) : undefined;
          return [{ path: name, mode: goFileMode(st), size: st.isFile() ? String(st.size) : undefined, linkname }];
        });
      return { entries };
    }),
    ReadFile: unary('ReadFile', (req) => {
      // a read-back (pip freeze of a cog model) runs a command in the build: here it printed nothing
      if (req.FilePath === READ_BACK_FILE && !views.has(req.Ref)) return { Data: Buffer.alloc(0) };
      const { view, rel, abs } = resolveIn(req.Ref, req.FilePath);
      if (!visible(view, rel, false) || !fs.existsSync(abs)) throw notFound(`${req.FilePath}: no such file`);
      return { Data: fs.readFileSync(abs) };
    }),
    ResolveImageConfig: unary('ResolveImageConfig', (req) => ({
      Digest: 'sha256:' + '1'.repeat(64),
      Config: Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', config: opts.baseConfig ?? {}, rootfs: { type: 'layers', diff_ids: [] }, ref: req.Ref }),
      ),
    })),
    Warn: unary('Warn', () => ({})),
    Return: unary('Return', (req) => {
      fake.returned = req;
      return {};
    }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
  );
  return fake;
}
