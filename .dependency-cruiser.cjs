/**
 * The import graph's rules, checked by `npm run lint` (dependency-cruiser): no cycles, and each layer imports
 * only the layers listed below it here. Layers, top to bottom:
 *   src/cli.ts, src/commands          the CLI
 *   src/startup                       fast start: bundles and their code caches
 *   src/frontend, src/pspf, src/predict   the gateway frontend, the .psp packager, `cogpack predict`
 *   src/buildkit/build, src/attest    the builder: plan -> LLB -> solve -> export, with its attestations
 *   src/buildkit/{export,solve,session,gateway,progress,connection}, src/buildkit/errors.ts   the BuildKit client
 *   stacks                            choose a stack, plan the project with it (stacks/plan-project.ts)
 *   blocks                            one unit of planning each
 *   llb                               LLB states and bytes; llb/convert turns the planner's Plan into them
 *   planner                           the Plan contract, project reading, the resolver, input records
 *   src/protobuf, src/fsutil          protobuf types of proto/, fsutil's tree walk
 *   src/errors.ts, src/regular-file.ts, src/temp-paths.ts, src/trace.ts   what every layer uses
 * Tests (*.test.ts), src/testing, bench/ and scripts/ may import any layer; production code imports none of them.
 */
const BASE = '^src/(errors|regular-file|temp-paths|trace)\\.ts$|^package\\.json$';
const WIRE = '^src/(protobuf|fsutil)/';
const PLANNER = '^planner/';
const LLB = '^llb/';
const BLOCKS = '^blocks/';
const STACKS = '^stacks/';
const CLIENT = '^src/buildkit/(export|solve|session|gateway|progress|connection)/|^src/buildkit/errors\\.ts$';
const BUILDER = '^src/buildkit/build/|^src/buildkit/[^/]+\\.ts$|^src/attest/';
const APPS = '^src/(frontend|pspf|predict)/';
const STARTUP = '^src/startup/';
const CLI = '^src/cli\\.ts$|^src/commands/';

const anyOf = (...layers) => layers.join('|');
const DOWN_FROM_PLANNER = anyOf(PLANNER, WIRE, BASE);
const DOWN_FROM_LLB = anyOf(LLB, DOWN_FROM_PLANNER);
const DOWN_FROM_BLOCKS = anyOf(BLOCKS, DOWN_FROM_PLANNER);
const DOWN_FROM_STACKS = anyOf(STACKS, BLOCKS, DOWN_FROM_PLANNER);
const DOWN_FROM_CLIENT = anyOf(CLIENT, LLB, DOWN_FROM_PLANNER);
const DOWN_FROM_BUILDER = anyOf(BUILDER, CLIENT, STACKS, BLOCKS, LLB, DOWN_FROM_PLANNER);
const DOWN_FROM_APPS = anyOf(APPS, DOWN_FROM_BUILDER);
const DOWN_FROM_STARTUP = anyOf(STARTUP, DOWN_FROM_APPS);
const DOWN_FROM_CLI = anyOf(CLI, DOWN_FROM_STARTUP);
const TOOLS = '(^|/)[^/]+\\.test\\.ts$|^src/testing/|^bench/|^scripts/';

const layer = (name, from, to) => ({
  comment: `${name} imports only the layers below it`,
  from: { path: from, pathNot: TOOLS },
  to: { path: to, pathNot: TOOLS },
});

// TODO(#14): type-only cycles not broken yet, each between two files of one folder (no cycle runs at load time).
// pspf, attest and planner/resolver are being changed by other work; the codecs pair goes with part 5.
const KNOWN_CYCLES = [
  '^src/pspf/(package-plan|writer|build-output|build-output-export)\\.ts$',
  '^src/attest/(index|sbom|provenance)\\.ts$',
  '^src/protobuf/proto-codecs(-generated)?\\.ts$',
  '^planner/resolver/(torch|torch-explain)\\.ts$',
  '^planner/project/(requirements|requirement-hashes)\\.ts$',
  '^planner/data/(index|schemas)\\.ts$',
  '^llb/(state|exec|file)\\.ts$',
].join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle means two modules are one concept, or a type lives in the wrong one',
      from: { pathNot: KNOWN_CYCLES },
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'tests, their helpers (src/testing), benchmarks and build scripts stay out of what ships',
      from: { pathNot: TOOLS },
      to: { path: TOOLS },
    },
  ],
  allowed: [
    {
      comment: 'node built-ins and npm packages',
      from: {},
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    { comment: 'tests, test helpers, benchmarks and scripts may use any layer', from: { path: TOOLS }, to: {} },
    layer('base', BASE, BASE),
    layer('src/protobuf, src/fsutil', WIRE, anyOf(WIRE, BASE)),
    layer('planner', PLANNER, DOWN_FROM_PLANNER),
    layer('llb', LLB, DOWN_FROM_LLB),
    layer('blocks', BLOCKS, DOWN_FROM_BLOCKS),
    layer('stacks', STACKS, DOWN_FROM_STACKS),
    layer('the BuildKit client', CLIENT, DOWN_FROM_CLIENT),
    layer('the builder', BUILDER, DOWN_FROM_BUILDER),
    layer('frontend, pspf, predict', APPS, DOWN_FROM_APPS),
    layer('startup', STARTUP, DOWN_FROM_STARTUP),
    layer('the CLI', CLI, DOWN_FROM_CLI),
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|testdata|\\.buildkit)/' },
    // type-only imports count: a type that lives in the layer above is an upward arrow all the same
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    combinedDependencies: false,
  },
};
