/**
 * `cogpack predict [DIR|IMAGE] -i name=value …`: builds the project (cached) into a generated tag, or takes
 * an existing image, then runs one prediction (src/predict/run.ts) and prints its output.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { ConfigError } from '../errors';
import { parseInputFlags } from '../predict/inputs';
import { predictImage } from '../predict/run';
import { describeSummary, runBuild, type BuildFlags } from './build';

interface PredictFlags {
  input: string[];
  output?: string;
  json?: boolean;
  tag?: string;
  progress: string;
  buildArg: string[];
  secret: string[];
  imageMap: string[];
  cogSdk?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `cog predict` names its image `cog-<dir>`; cogpack's is `cogpack-<dir>` (a valid reference whatever the directory is called). */
export function defaultTag(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `cogpack-${name || 'model'}`;
}

/** A directory is a project; anything else is an image reference, unless it is written as a path (`./x`, `/x`, `~/x`). */
export function isProjectDir(arg: string): boolean {
  if (fs.existsSync(arg) && fs.statSync(arg).isDirectory()) return true;
  if (/^(\.{1,2}|~)?\//.test(arg) || arg === '.' || arg === '..') {
    throw new ConfigError('E_PROJECT_DIR', `project directory "${arg}" does not exist`, {
      hint: 'pass the directory that holds cog.yaml, or an image reference',
    });
  }
  return false;
}

async function buildForPredict(dir: string, f: PredictFlags): Promise<string> {
  const tag = f.tag ?? defaultTag(dir);
  const flags: BuildFlags = {
    tag: [tag],
    output: [],
    secret: f.secret,
    buildArg: f.buildArg,
    cacheFrom: [],
    cacheTo: [],
    progress: f.progress,
    imageMap: f.imageMap,
    cogSdk: f.cogSdk,
  };
  const summary = await runBuild(dir, flags);
  for (const w of summary.warnings) process.stderr.write(`cogpack: warning: ${w}\n`);
  process.stderr.write(`cogpack: ${describeSummary(summary)}\n`);
  return tag;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('build the project (cached) or take an image, start it, run one prediction and print the output; the container is removed afterwards')
    .argument('[dir|image]', 'project directory (built first), or an image reference when no such directory exists', '.')
    .option('-i, --input <name=value>', 'an input (repeatable; a list input takes the flag once per item); name=@FILE sends the file', collect, [])
    .option(
      '-o, --output <path>',
      'where the output file goes (several files: PATH with .N before the extension; an output with no file: the printed value); default output[.N].EXT here',
    )
    .option('--json', 'print the whole prediction response as JSON (files stay data URLs, nothing is written)')
    .option('-t, --tag <name>', 'name of the built image (default cogpack-<directory name>)')
    .option('--progress <mode>', 'build progress: auto, tty, plain, rawjson or quiet', 'auto')
    .option('--build-arg <NAME=VALUE>', 'as for cogpack build (repeatable)', collect, [])
    .option('--secret <spec>', 'as for cogpack build: id=ID,src=FILE or id=ID,env=VAR (repeatable)', collect, [])
    .option('--image-map <SRC=DST,...>', 'replace base images (repeatable; also COGPACK_IMAGE_MAP)', collect, [])
    .option('--cog-sdk <pypi|none|path.whl>', 'where the cog SDK comes from')
    .action(async (target: string, f: PredictFlags) => {
      const inputs = parseInputFlags(f.input);
      const image = isProjectDir(target) ? await buildForPredict(target, f) : target;
      await predictImage({ image, inputs, out: f.output, json: f.json });
    });
}
