/**
 * In-process stand-ins for a BuildKit daemon, for unit tests of the client: a gRPC Control server on a
 * unix socket (buildkitd-style) and an HTTP server that upgrades `POST /grpc` / `POST /session` (Docker-style).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { loadProtoDefinition } from '../../protobuf/protos';

export type ControlImpl = Partial<Record<'ListWorkers' | 'Solve' | 'Status' | 'Session' | 'Info', grpc.UntypedHandleCall>>;

export interface FakeDaemon {
  socketPath: string;
  /** headers of every POST /session upgrade (docker fake only) */
  sessions: http.IncomingHttpHeaders[];
  /** the route of every upgrade, in order (docker fake only) */
  upgrades: string[];
  close(): Promise<void>;
}

const defaultImpl: ControlImpl = {
  ListWorkers: (_call: unknown, cb: grpc.sendUnaryData<unknown>) =>
    cb(null, { record: [{ ID: 'fake', Labels: { 'org.mobyproject.buildkit.worker.snapshotter': 'overlayfs' } }] }),
};

/** A grpc-js server with the Control service (defaults above, overridden by `impl`), not yet bound. */
export function controlServer(impl: ControlImpl = {}): grpc.Server {
  const server = new grpc.Server();
  const service = loadProtoDefinition()['moby.buildkit.v1.Control'] as grpc.ServiceDefinition;
  server.addService(service, { ...defaultImpl, ...impl } as grpc.UntypedServiceImplementation);
  return server;
}

function tempSocket(name: string): { dir: string; socketPath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-fake-'));
  return { dir, socketPath: path.join(dir, name) };
}

/** A buildkitd-like gRPC server on a unix socket. */
export async function startFakeBuildkitd(impl: ControlImpl = {}): Promise<FakeDaemon> {
  const { dir, socketPath } = tempSocket('buildkitd.sock');
  const server = controlServer(impl);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return {
    socketPath,
    sessions: [],
    upgrades: [],
    close: async () => {
      server.forceShutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Docker-like HTTP server: `/grpc` upgrades into the Control server, `/session` upgrades and echoes (or just holds the socket). */
export async function startFakeDocker(impl: ControlImpl = {}, opts: { echoSessions?: boolean } = {}): Promise<FakeDaemon> {
  const { dir, socketPath } = tempSocket('docker.sock');
  const server = controlServer(impl);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const sessions: http.IncomingHttpHeaders[] = [];
  const upgrades: string[] = [];
  const sockets = new Set<net.Socket>();
  const httpServer = http.createServer((_req, res) => res.writeHead(404).end('page not found'));
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    sockets.add(socket);
    upgrades.push(req.url ?? '');
    if (head.length > 0) socket.unshift(head);
    socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    if (req.url === '/grpc') injector.injectConnection(socket);
    else {
      sessions.push(req.headers);
      if (opts.echoSessions !== false) socket.pipe(socket);
    }
  });
  await new Promise<void>((resolve) => httpServer.listen(socketPath, resolve));
  return {
    socketPath,
    sessions,
    upgrades,
    close: async () => {
      for (const s of sockets) s.destroy();
      injector.destroy();
      server.forceShutdown();
      await new Promise((resolve) => httpServer.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
