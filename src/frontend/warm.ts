/**
 * Warming for the frontend bundle's V8 code cache (run once while the frontend image is built, by the
 * image's own node): whole frontend runs on sample projects, served from a directory by an in-process
 * LLBBridge stand-in, so the cache holds every function a real build calls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs/light';
import type { UnaryTransport } from '../buildkit/gateway/bridge';
import { GrpcCallError } from '../buildkit/connection/h2-grpc';
import descriptor from '../buildkit/gateway/llbbridge.json';
import { runFrontend } from './run';
import { READ_BACK_FILE } from '../buildkit/gateway/read-back';

const PKG = 'moby.buildkit.v1.frontend.';
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GRPC_NOT_FOUND = 5;

/** Answers the calls a frontend run makes from `dir`; every local source is the whole directory. */
export class DirTransport implements UnaryTransport {
  private readonly root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  private refs = 0;
  /** the error message the run returned, if it failed */
  returnedError?: string;

  constructor(private readonly dir: string) {}

  private msg(name: string): protobuf.Type {
    return this.root.lookupType(PKG + name);
  }

  private reply(name: string, obj: Record<string, unknown>): Buffer {
    const T = this.msg(name);
    return Buffer.from(T.encode(T.fromObject(obj)).finish());
  }

  private request(name: string, bytes: Uint8Array): Record<string, unknown> {
    const T = this.msg(name);
    return T.toObject(T.decode(bytes)) as Record<string, unknown>;
  }

  private listing(rel: string): Record<string, unknown>[] {
    const abs = path.join(this.dir, rel);
    return fs
      .readdirSync(abs)
      .sort()
      .map((name) => {
        const st = fs.lstatSync(path.join(abs, name));
        const mode = (st.mode & 0o777) + (st.isDirectory() ? GO_DIR : 0) + (st.isSymbolicLink() ? GO_SYMLINK : 0);
        const linkname = st.isSymbolicLink() ? fs.readlinkSync(path.join(abs, name)) : undefined;
        return { path: name, mode, size: st.isFile() ? String(st.size) : undefined, linkname };
      });
  }

  /** A missing file fails as the daemon's ReadFile does (NOT_FOUND), which callers take for "absent". */
  private file(rel: string): Buffer {
    if (rel === READ_BACK_FILE) return Buffer.from(''); // a read-back's output (e.g. pip freeze): empty here
    const abs = path.join(this.dir, rel);
    if (!fs.existsSync(abs)) throw new GrpcCallError('ReadFile', GRPC_NOT_FOUND, `open ${rel}: no such file or directory`);
    return fs.readFileSync(abs);
  }

  async unary(method: string, bytes: Uint8Array): Promise<Buffer> {
    const name = method.slice(method.lastIndexOf('/') + 1);
    switch (name) {
      case 'Ping':
        return this.reply('PongResponse', {
          LLBCaps: [
            { ID: 'mergeop', Enabled: true },
            { ID: 'diffop', Enabled: true },
          ],
        });
      case 'Solve':
        return this.reply('SolveResponse', { result: { ref: { id: `ref-${++this.refs}` } } });
      case 'ReadDir':
        return this.reply('ReadDirResponse', { entries: this.listing(String(this.request('ReadDirRequest', bytes).DirPath ?? '')) });
      case 'ReadFile':
        return this.reply('ReadFileResponse', { Data: this.file(String(this.request('ReadFileRequest', bytes).FilePath)) });
      case 'ResolveImageConfig':
        return this.reply('ResolveImageConfigResponse', {
          Config: Buffer.from('{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"]}}'),
        });
      case 'Return':
        this.returnedError = (this.request('ReturnRequest', bytes).error as { message?: string } | undefined)?.message;
        return Buffer.alloc(0);
      default: // Warn
        this.request('WarnRequest', bytes);
        return Buffer.alloc(0);
    }
  }
}

/** The frontend's environment for a project whose entry file is `entry`, as buildx would pass it. */
function warmEnv(entry: string, withSdk: boolean): NodeJS.ProcessEnv {
  const opts = [`filename=${entry}`, 'build-arg:SOURCE_DATE_EPOCH=0', ...(withSdk ? [] : ['build-arg:COGPACK_COG_SDK=none'])];
  return Object.fromEntries([['BUILDKIT_SESSION_ID', 'warm'], ...opts.map((o, i) => [`BUILDKIT_FRONTEND_OPT_${i}`, o])]);
}

/** Runs the frontend once per project directory (cog.yaml, else pyproject.toml); returns the errors returned. */
export async function warm(dirs: string[]): Promise<string[]> {
  const errors: string[] = [];
  for (const [i, dir] of dirs.entries()) {
    const entry = fs.existsSync(path.join(dir, 'cog.yaml')) ? 'cog.yaml' : 'pyproject.toml';
    const transport = new DirTransport(dir);
    // every other project with the cog SDK from PyPI (the default), so the SDK block is warmed too
    await runFrontend(transport, warmEnv(entry, i % 2 === 0));
    // a project that fails still warms what it ran; the caller decides whether that matters
    if (transport.returnedError !== undefined) errors.push(`${path.basename(dir)}: ${transport.returnedError}`);
  }
  return errors;
}
