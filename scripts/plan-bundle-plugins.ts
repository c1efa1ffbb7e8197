/**
 * esbuild plugins for the command bundles (scripts/command-bundle.ts): each keeps code that the
 * command never runs from being loaded at start-up, without changing what the code does when it runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import { schemaStubSource } from '../src/startup/schema-stub';

/** The commands src/commands/index.ts registers, each required on its own by name. */
const COMMANDS = ['build', 'llb', 'plan', 'predict', 'pspf']; // as in src/commands/index.ts

/**
 * Only one command goes in: the others stay out of the bundle (bin/cogpack.js uses it for that command
 * only, so their require() is never reached and what only they load is never read).
 */
export function commandOnly(command: string): Plugin {
  const others = new RegExp(`^\\./(${COMMANDS.filter((c) => c !== command).join('|')})$`);
  return {
    name: `${command}-only`,
    setup(b) {
      b.onResolve({ filter: others }, (a) => (a.importer.endsWith(join('commands', 'index.js')) ? { path: a.path, external: true } : undefined));
    },
  };
}

/** commander loads child_process (and with it net, dgram, streams) only to run external subcommands. */
export const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (a) => {
      const eager = "const childProcess = require('node:child_process');";
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: readFileSync(a.path, 'utf8').replace(eager, lazy), loader: 'js' };
    });
  },
};

/**
 * The planner's schema modules (tsc output under dist/) are swapped for stubs whose schemas answer
 * safeParse with generated checkers (src/startup/schema-stub.ts): a valid project is planned without
 * loading zod or building ~150 schema objects, which was about a fifth of `cogpack plan`'s time.
 * The stub requires the real module the first time zod has to answer: from dist/ (a fresh bundle
 * implies a dist/ at least as new), so zod and the schemas stay out of the bundle altogether.
 */
/** pluginData of the plugins' own b.resolve() calls, which every plugin here must let through (else they recurse). */
const INNER = 'cogpack-inner-resolve';

export function schemaFacades(files: string[], outDir: string): Plugin {
  const NS = 'cogpack-schema-stub';
  const stubbed = new Set(files);
  return {
    name: 'schema-facades',
    setup(b) {
      b.onResolve({ filter: /schema(\.js)?$/ }, async (a) => {
        if (a.pluginData === INNER || a.kind !== 'require-call') return undefined;
        if (a.namespace === NS) return { path: a.path, external: true }; // the stub's require of the real module
        const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: INNER });
        return stubbed.has(r.path) ? { path: r.path, namespace: NS } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: NS }, (a) => ({
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        contents: schemaStubSource(relative(outDir, a.path).split(sep).join('/'), require(a.path) as Record<string, unknown>),
        loader: 'js',
        resolveDir: dirname(a.path),
      }));
    },
  };
}

/**
 * Requires of these dist/ files stay runtime requires, relative to the bundle: code that `plan` runs
 * only on request (planner/data/schemas.js validates the compat data under COGPACK_VALIDATE_DATA=1)
 * and would otherwise pull zod (700 kB) into the bundle that every start reads.
 */
export function fromDist(files: string[], outDir: string): Plugin {
  const kept = new Set(files);
  return {
    name: 'from-dist',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.pluginData === INNER || a.kind !== 'require-call' || !a.path.startsWith('.') || !a.resolveDir) return undefined;
        const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: INNER });
        return kept.has(r.path) ? { path: relative(outDir, r.path).split(sep).join('/'), external: true } : undefined;
      });
    },
  };
}
