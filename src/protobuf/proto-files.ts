/**
 * The .proto sources under proto/ and their parse: what scripts/protos-descriptor.ts turns into the JSON
 * descriptor (src/protobuf/protos.json) that the CLI loads at run time, and what the tests compare it with.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { InternalError } from '../errors';

/** proto/ sits at the package root, which is two levels up from src/buildkit and three from dist/src/buildkit. */
export function protoDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new InternalError('E_PROTO_DIR', `cannot find the proto/ directory above ${__dirname}`);
}

/** Every .proto file under proto/, relative to it, sorted so the load order never depends on the file system. */
export function protoFiles(dir: string = protoDir()): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.proto')) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** A protobufjs Root parsed from the .proto text (keepCase: field names exactly as on the wire). */
export function parseProtoFiles(dir: string = protoDir()): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
  try {
    root.loadSync(
      protoFiles(dir).map((f) => path.join(dir, f)),
      { keepCase: true },
    );
    root.resolveAll();
  } catch (e) {
    throw new InternalError('E_PROTO_LOAD', `cannot load proto/: ${(e as Error).message}`, { cause: e });
  }
  return root;
}

/** The descriptor file's text: protobufjs JSON of every file in proto/, with a trailing newline. */
export function descriptorJson(root: protobuf.Root = parseProtoFiles()): string {
  return `${JSON.stringify(root.toJSON())}\n`;
}
