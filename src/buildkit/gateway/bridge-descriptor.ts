/**
 * The protobuf descriptor the frontend encodes LLBBridge messages with: only the message types the
 * service's methods reach, taken from proto/ as JSON. The frontend loads it with protobufjs/light
 * (src/buildkit/gateway/llbbridge.json, written by scripts/frontend-descriptor.ts), so it neither parses .proto
 * files nor loads grpc-js when it starts.
 */
import type * as protobuf from 'protobufjs';

export const BRIDGE_SERVICE = 'moby.buildkit.v1.frontend.LLBBridge';

type Json = { nested?: Record<string, Json>; fields?: unknown; values?: unknown; methods?: unknown; [k: string]: unknown };

/** Full names (no leading dot) of every message and enum the service's requests and responses reach. */
export function reachableTypes(root: protobuf.Root, service = BRIDGE_SERVICE): Set<string> {
  const svc = root.lookupService(service);
  const seen = new Set<string>();
  // resolved from the service's scope: a bare "SolveRequest" looked up from the root could be Control's
  const queue: protobuf.ReflectionObject[] = svc.methodsArray.flatMap((m) => {
    m.resolve();
    return [m.resolvedRequestType as protobuf.Type, m.resolvedResponseType as protobuf.Type];
  });
  while (queue.length > 0) {
    const t = queue.pop() as protobuf.ReflectionObject;
    const name = t.fullName.replace(/^\./, '');
    if (seen.has(name)) continue;
    seen.add(name);
    // a nested type needs its parent message in the JSON, and with it the parent's own fields
    if (t.parent && 'fieldsArray' in t.parent) queue.push(t.parent);
    if ('fieldsArray' in t) {
      for (const f of (t as protobuf.Type).fieldsArray) {
        f.resolve();
        if (f.resolvedType) queue.push(f.resolvedType);
      }
    }
  }
  return seen;
}

function prune(node: Json, prefix: string, keep: Set<string>): Json | undefined {
  const isType = node.fields !== undefined || node.values !== undefined;
  if (node.methods !== undefined || (isType && !keep.has(prefix))) return undefined;
  const nested: Record<string, Json> = {};
  for (const name of Object.keys(node.nested ?? {}).sort()) {
    const kept = prune((node.nested as Record<string, Json>)[name], prefix ? `${prefix}.${name}` : name, keep);
    if (kept) nested[name] = kept;
  }
  const { nested: _drop, ...rest } = node;
  if (Object.keys(nested).length > 0) return { ...rest, nested };
  return isType ? rest : undefined; // an empty namespace goes
}

/** The descriptor JSON (protobufjs `Root.toJSON` form) of just the types the service reaches. */
export function bridgeDescriptor(root: protobuf.Root, service = BRIDGE_SERVICE): Json {
  root.resolveAll();
  return prune(root.toJSON() as Json, '', reachableTypes(root, service)) ?? {};
}

/** The file's text: one field per line, so a proto change shows as a readable diff. */
export function descriptorText(root: protobuf.Root): string {
  return `${JSON.stringify(bridgeDescriptor(root), null, 1)}\n`;
}
