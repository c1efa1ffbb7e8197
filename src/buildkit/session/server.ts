/**
 * The session's gRPC server (the client serves, the daemon calls): which services are registered,
 * their handlers, and the exact method list advertised in X-Docker-Expose-Session-Grpc-Method.
 */
import * as grpc from '@grpc/grpc-js';
import { authService } from './auth';
import { contentService, type ContentStores } from './content-store';
import { fileSendService, type FileSendTarget } from './file-send';
import { sendContext, type ContextDir, type SyncStats } from './file-sync';
import { metadataValue, walkOptionsFor } from './request-metadata';
import { secretsService, type SecretSource } from './secrets';
import { fileSendDefinition, fileSyncDefinition, methodPaths, serviceDefinition, type Packet } from './wire';

export interface SessionServices {
  contexts: Record<string, ContextDir>;
  secrets: Record<string, SecretSource>;
  fileSend?: FileSendTarget;
  /** OCI layout directories the daemon reads/writes cache blobs in (store id → dir) */
  contentStores?: ContentStores;
  dockerConfigPath: string;
  env: NodeJS.ProcessEnv;
  /** Transfer failures inside daemon-initiated calls (they also fail the call, so the solve fails). */
  onError?: (e: Error) => void;
  /** Each finished FileSync.DiffCopy. */
  onSync?: (stats: SyncStats) => void;
  /** Each Health.Check the daemon made (it checks every 5 s; missed checks close the session). */
  onHealthCheck?: () => void;
}

const SERVING = 1;

function healthService(onCheck?: () => void): grpc.UntypedServiceImplementation {
  return {
    Check: (_call: unknown, cb: grpc.sendUnaryData<{ status: number }>) => {
      onCheck?.();
      cb(null, { status: SERVING });
    },
  };
}

type PacketCall = grpc.ServerDuplexStream<Packet, Packet>;

function fileSyncService(s: SessionServices): grpc.UntypedServiceImplementation {
  return {
    DiffCopy: (call: PacketCall) => {
      const name = metadataValue(call.metadata, 'dir-name') ?? '';
      const ctx = Object.prototype.hasOwnProperty.call(s.contexts, name) ? s.contexts[name] : undefined;
      if (!ctx) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `no access allowed to dir "${name}"` });
        return;
      }
      sendContext(call, name, ctx.dir, walkOptionsFor(ctx, call.metadata)).then(
        (stats) => s.onSync?.(stats),
        (e: Error) => {
          s.onError?.(e);
          call.emit('error', e); // grpc-js turns an 'error' into the call's status
        },
      );
    },
  };
}

/** A grpc-js Server with the session services, and the method paths to advertise (one header value each). */
export function buildSessionServer(s: SessionServices): { server: grpc.Server; methods: string[] } {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
  const methods: string[] = [];
  const add = (def: grpc.ServiceDefinition, impl: grpc.UntypedServiceImplementation): void => {
    server.addService(def, impl);
    methods.push(...methodPaths(def).filter((p) => p.split('/').pop()! in impl));
  };
  add(serviceDefinition('grpc.health.v1.Health'), healthService(s.onHealthCheck));
  if (Object.keys(s.contexts).length > 0) {
    add(fileSyncDefinition(), fileSyncService(s));
  }
  add(serviceDefinition('moby.buildkit.secrets.v1.Secrets'), secretsService(s.secrets, s.env));
  add(serviceDefinition('moby.filesync.v1.Auth'), authService(s.dockerConfigPath, s.env));
  if (s.fileSend) add(fileSendDefinition(), fileSendService(s.fileSend, s.onError));
  if (s.contentStores && Object.keys(s.contentStores).length > 0) {
    add(serviceDefinition('containerd.services.content.v1.Content'), contentService(s.contentStores));
  }
  return { server, methods };
}
