/** `cogpack build [DIR]`: builds the project's image through BuildKit with buildx-style flags; Ctrl-C cancels the daemon-side build. */
import * as path from 'path';
import type { Command } from 'commander';
import { loadImageMap } from '../../planner/image-map';
import { buildProject, type BuildSummary } from '../buildkit/build/build';
import { parseBuildArgs, withPlannerArgs } from '../buildkit/build/build-args';
import { parseProgressMode } from '../buildkit/progress/progress';
import { describePsp, runPspBuild } from '../pspf/build-output';
import { InterruptedError } from '../buildkit/errors';
import { EXIT_CODES } from '../errors';
import { describeChanges } from '../buildkit/build/why';

export interface BuildFlags {
  tag: string[];
  output: string[];
  secret: string[];
  buildArg: string[];
  cacheFrom: string[];
  cacheTo: string[];
  cache?: boolean;
  progress: string;
  json?: boolean;
  reproducible?: boolean;
  compression?: string;
  provenance?: string;
  sbom?: boolean | string;
  addr?: string;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  tlsservername?: string;
  imageMap: string[];
  cogSdk?: string;
  privateKey?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

const BUILD_ARG_HELP =
  'repeatable. HTTP_PROXY, HTTPS_PROXY, FTP_PROXY, NO_PROXY, ALL_PROXY (any case): reach every RUN ' +
  '(apt, pip, build.run) as for a Dockerfile, never the image or its cache key; SOURCE_DATE_EPOCH: image timestamps; ' +
  'COGPACK_IMAGE_MAP, COGPACK_COG_SDK, COGPACK_WEIGHTS_THRESHOLD_MB: as those variables (--image-map/--cog-sdk win); ' +
  'any other name is unused (warning: a cog.yaml has no ARG)';

/**
 * First Ctrl-C cancels the solve (the daemon stops the job) and the command ends with one
 * E_INTERRUPTED line; a second one exits at once with that line. Either way temporary files go
 * (src/temp-paths.ts removes them on exit). Installed for the whole command, psp packing included:
 * without a handler Node dies of the signal and no cleanup runs.
 */
export function interruptController(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) {
      process.stderr.write(`cogpack: error: ${new InterruptedError('interrupted twice; exiting without waiting for the daemon').toOneLine()}\n`);
      process.exit(EXIT_CODES.interrupted);
    }
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

export function describeSummary(s: BuildSummary): string {
  const name = s.image.names[0] ?? '(unnamed)';
  const cached = s.stages.filter((x) => x.cached).length;
  return `built ${name}${s.image.digest ? ` ${s.image.digest}` : ''}: ${s.layers.length} layers, ${cached}/${s.stages.length} stages cached, ${(s.timings.totalMs / 1000).toFixed(1)}s`;
}

export async function runBuild(dir: string, f: BuildFlags, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<BuildSummary> {
  const buildArgs = parseBuildArgs(f.buildArg);
  const interrupt = signal ? { signal, dispose: () => undefined } : interruptController();
  try {
    return await buildProject(path.resolve(dir), {
      tags: f.tag,
      outputs: f.output,
      secrets: f.secret,
      buildArgs,
      cacheFrom: f.cacheFrom,
      cacheTo: f.cacheTo,
      noCache: f.cache === false,
      reproducible: f.reproducible,
      compression: f.compression,
      provenance: f.provenance,
      sbom: f.sbom,
      progress: parseProgressMode(f.progress),
      // --image-map entries go over COGPACK_IMAGE_MAP (the build arg's, else the environment's); --cog-sdk beats both
      imageMap: loadImageMap(f.imageMap, withPlannerArgs(env, buildArgs)),
      cogSdk: f.cogSdk,
      requirePredictor: true,
      addr: f.addr,
      tls: { caCert: f.tlscacert, cert: f.tlscert, key: f.tlskey, serverName: f.tlsservername },
      env,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build the project into an image through BuildKit (loaded into Docker by default)')
    .argument('[dir]', 'project directory', '.')
    .option('-t, --tag <name>', "image name (repeatable); replacing an image of that name prints why each stage's inputs changed", collect, [])
    .option('-o, --output <spec>', 'type=docker|oci,dest=FILE|image,name=…,push=true|local,dest=DIR|tar,dest=FILE|psp,dest=FILE (repeatable)', collect, [])
    .option('--secret <spec>', 'id=ID,src=FILE or id=ID,env=VAR (repeatable)', collect, [])
    .option('--build-arg <NAME=VALUE>', BUILD_ARG_HELP, collect, [])
    .option('--cache-from <spec>', 'type=registry,ref=REF (or REF), or type=local,src=DIR: build cache to import', collect, [])
    .option('--cache-to <spec>', 'type=registry,ref=REF[,mode=max], type=local,dest=DIR[,mode=max] or type=inline', collect, [])
    .option('--no-cache', 'run every step again')
    .option('--progress <mode>', 'auto, tty, plain, rawjson or quiet', 'auto')
    .option('--json', 'print a JSON summary (digest, layers, stages and why their inputs changed, timings, cached steps) on stdout')
    .option('--reproducible', 'also clamp layer file times to SOURCE_DATE_EPOCH (identical digests for identical input)')
    .option(
      '--compression <type>',
      "layer compression of image outputs: gzip|zstd|uncompressed[,level=N] (default zstd; an output's compression= wins; pulling zstd needs Docker >= 23)",
    )
    .option(
      '--provenance <mode>',
      'SLSA provenance v1 attestation: mode=min|max or false (default mode=min when an output pushes, else none); written into the image index, or as provenance.json for type=local|tar',
    )
    .option('--sbom [bool]', 'SPDX SBOM attestation of the built image (sbom.spdx.json for type=local|tar)')
    .option('--addr <address>', 'BuildKit address: unix://…, tcp://…, docker:// (default: BUILDKIT_HOST, DOCKER_HOST)')
    .option('--tlscacert <file>', 'CA certificate for tcp://')
    .option('--tlscert <file>', 'client certificate for tcp://')
    .option('--tlskey <file>', 'client key for tcp://')
    .option('--tlsservername <name>', 'server name to verify for tcp://')
    .option('--image-map <SRC=DST,...>', 'replace base images (repeatable; also COGPACK_IMAGE_MAP)', collect, [])
    .option('--cog-sdk <pypi|none|path.whl|dir>', "where the cog SDK comes from (a wheel's directory also holds its dependencies)")
    .option('--private-key <file>', 'Ed25519 PEM key signing a type=psp,dest=FILE output (default: an ephemeral key)')
    .action(async (dir: string, f: BuildFlags) => {
      const interrupt = interruptController();
      try {
        // type=psp: the same build exported as a filesystem, packed into a signed .psp (src/pspf/build-output.ts)
        // (no attestation files among the packed runtime: the .psp is signed instead)
        const psp = await runPspBuild(dir, { output: f.output, privateKey: f.privateKey, signal: interrupt.signal }, (output) =>
          runBuild(dir, { ...f, output, provenance: undefined, sbom: undefined }, process.env, interrupt.signal),
        );
        if (psp) return void (f.json ? process.stdout.write(`${JSON.stringify(psp, null, 2)}\n`) : process.stderr.write(`cogpack: ${describePsp(psp)}\n`));
        const summary = await runBuild(dir, f, process.env, interrupt.signal);
        for (const w of summary.warnings) process.stderr.write(`cogpack: warning: ${w}\n`);
        // why each rebuilt stage's inputs differ from the replaced image's (also `stages[].because` in --json)
        for (const line of describeChanges(summary.stages)) process.stderr.write(`cogpack: ${line}\n`);
        if (f.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else process.stderr.write(`cogpack: ${describeSummary(summary)}\n`);
      } finally {
        interrupt.dispose();
      }
    });
}
