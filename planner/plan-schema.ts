/**
 * The Plan: the contract between the planner (stacks, blocks, resolver) and the builder (llb/, BuildKit).
 * These zod schemas are the single source of truth; JSON names are snake_case and are read by tools,
 * so renaming a field is a breaking change (bump PLAN_VERSION). `plan.schema.json` is generated from here.
 *
 * Layering model: every stage of an export phase becomes exactly one image layer, the diff between the
 * stage's `source` and the state after its operations. The image is the runtime base with those layers
 * merged on top, in phase order then stage order. Build phases produce states that other stages read
 * (bind mounts, copies) but that are not layers of the image.
 */
import { z } from 'zod';

export const PLAN_VERSION = 1;

// Shared leaf schemas: zod schemas are immutable, and every instance costs start-up time (each one binds
// its own methods), so a leaf used many times is built once. z.toJSONSchema still inlines each use.
const NonEmptyString = z.string().min(1);
const AbsolutePath = z.string().startsWith('/');
const Uint = z.number().int().nonnegative();
const StringMap = z.record(z.string(), z.string());
const Strings = z.array(z.string());

export const PlatformSchema = z.strictObject({
  os: z.literal('linux'),
  arch: z.literal('amd64'),
});
export type Platform = z.infer<typeof PlatformSchema>;

/** Where a requested version came from, e.g. `cog.yaml:12 build.python_version`, `uv.lock`, `default`. */
export const DependencySchema = z.strictObject({
  name: NonEmptyString,
  /** the block (or `resolver`) that asked for it */
  provider: NonEmptyString,
  requested_version: z.string(),
  resolved_version: z.string(),
  source: NonEmptyString,
});
export type Dependency = z.infer<typeof DependencySchema>;

export const BaseImageSchema = z.strictObject({
  /** image the build phases start from (after the image map) */
  build: NonEmptyString,
  /** image the exported image starts from (after the image map) */
  runtime: NonEmptyString,
  metadata: z.strictObject({
    /** what the base already provides, name → version (e.g. python → 3.11, cuda → 12.1) */
    packages: StringMap,
  }),
});
export type BaseImage = z.infer<typeof BaseImageSchema>;

/** A stage's input, or the `from` of a copy or mount. Tagged by `type`. */
export const InputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('scratch') }),
  /** `ref` is the final image reference, after the image map */
  z.strictObject({ type: z.literal('image'), ref: NonEmptyString }),
  /** a local directory sent by the client; `name` is a key of Plan.contexts */
  z.strictObject({ type: z.literal('context'), name: NonEmptyString }),
  /** the state after another stage's operations */
  z.strictObject({ type: z.literal('stage'), id: NonEmptyString }),
  /** the base image of the phase's kind with every stage of the named phase (and earlier phases of that kind) applied */
  z.strictObject({ type: z.literal('phase'), name: NonEmptyString }),
]);
export type Input = z.infer<typeof InputSchema>;

export const CacheSharingSchema = z.enum(['shared', 'private', 'locked']);
export type CacheSharing = z.infer<typeof CacheSharingSchema>;

export const MountSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('cache'),
    target: AbsolutePath,
    /** stable cache id, e.g. `cogpack-apt-cache`; the same id shares the cache across builds */
    id: NonEmptyString,
    sharing: CacheSharingSchema,
  }),
  z.strictObject({
    type: z.literal('secret'),
    target: AbsolutePath,
    /** secret id; the value only ever comes from the build's secret provider */
    id: NonEmptyString,
    required: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('bind'),
    target: AbsolutePath,
    from: InputSchema,
    /** path inside `from` to mount; `/` for all of it */
    source: AbsolutePath,
    readonly: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('tmpfs'),
    target: AbsolutePath,
    /** bytes; 0 = unlimited */
    size: Uint,
  }),
]);
export type Mount = z.infer<typeof MountSchema>;

export const NetworkModeSchema = z.enum(['sandbox', 'host', 'none']);
export type NetworkMode = z.infer<typeof NetworkModeSchema>;

const OwnerSchema = z.strictObject({ uid: Uint, gid: Uint });

export const ExecOperationSchema = z.strictObject({
  op: z.literal('exec'),
  /** argv; shell commands are `["/bin/sh", "-c", "…"]` */
  args: Strings.min(1),
  /** env for this command only, on top of the stage env */
  env: StringMap,
  mounts: z.array(MountSchema),
  network: NetworkModeSchema,
  /** the progress name shown to the user */
  description: z.string().optional(),
});

export const CopyOperationSchema = z.strictObject({
  op: z.literal('copy'),
  from: InputSchema,
  /** absolute path inside `from` */
  src: AbsolutePath,
  /** absolute path in the stage */
  dest: AbsolutePath,
  /** patterns relative to src (dockerignore syntax) */
  include: Strings,
  exclude: Strings,
  /** copy the contents of src rather than src itself */
  contents_only: z.boolean(),
  owner: OwnerSchema.optional(),
  /** octal mode as a number, e.g. 0o644; absent = keep */
  mode: Uint.optional(),
});

export const MkfileOperationSchema = z.strictObject({
  op: z.literal('mkfile'),
  path: AbsolutePath,
  /** UTF-8 file content */
  data: z.string(),
  mode: Uint,
});

export const MkdirOperationSchema = z.strictObject({
  op: z.literal('mkdir'),
  path: AbsolutePath,
  mode: Uint,
  parents: z.boolean(),
});

export const RmOperationSchema = z.strictObject({
  op: z.literal('rm'),
  path: AbsolutePath,
  allow_not_found: z.boolean(),
});

export const SymlinkOperationSchema = z.strictObject({
  op: z.literal('symlink'),
  /** what the link points to */
  target: NonEmptyString,
  /** where the link is created */
  path: AbsolutePath,
});

export const OperationSchema = z.discriminatedUnion('op', [
  ExecOperationSchema,
  CopyOperationSchema,
  MkfileOperationSchema,
  MkdirOperationSchema,
  RmOperationSchema,
  SymlinkOperationSchema,
]);
export type Operation = z.infer<typeof OperationSchema>;
export type ExecOperation = z.infer<typeof ExecOperationSchema>;
export type CopyOperation = z.infer<typeof CopyOperationSchema>;
export type MkfileOperation = z.infer<typeof MkfileOperationSchema>;
export type MkdirOperation = z.infer<typeof MkdirOperationSchema>;
export type RmOperation = z.infer<typeof RmOperationSchema>;
export type SymlinkOperation = z.infer<typeof SymlinkOperationSchema>;

export const StageSchema = z.strictObject({
  /** unique in the plan, `<phase>:<block>[:<detail>]`, set by the block that adds it */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._+-]*)+$/),
  /** human name shown in progress output */
  name: NonEmptyString,
  /** the block that contributed it (for error messages; the converter never branches on it) */
  block: NonEmptyString,
  /**
   * what the stage is built on (resolved by the planner once every block ran): the result of the nearest
   * non-empty phase before its own, or the stage before it in its phase, or scratch for a layer of its own
   */
  source: InputSchema,
  /**
   * earlier phases the stage does not need, so its source may skip them (e.g. the framework stage is built
   * from python, not on the apt layer, and an apt edit leaves it cached); the validator rejects any other skip
   */
  independent_of: Strings.optional(),
  operations: z.array(OperationSchema),
  /** env every exec of this stage sees, over the config Env of the image its source chain starts at (not export.env) */
  env: StringMap,
  /** working directory for execs */
  dir: AbsolutePath,
  /** capabilities this stage provides to later stages, e.g. `python`, `pip`, `torch` */
  provides: Strings,
  /**
   * How the stage's layer is taken. `diff` keeps deletions (Merge of the raw Diff; one layer per exec);
   * `squash` copies the diff onto scratch (exactly one layer; deletions are lost).
   */
  layer: z.enum(['diff', 'squash']),
});
export type Stage = z.infer<typeof StageSchema>;

export const PhaseSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  stages: z.array(StageSchema),
});
export type Phase = z.infer<typeof PhaseSchema>;

export const ExportConfigSchema = z.strictObject({
  tags: Strings,
  labels: StringMap,
  entrypoint: Strings,
  cmd: Strings,
  /** image config env; base image env is merged under it by the builder */
  env: StringMap,
  /** e.g. `5000/tcp` */
  exposed_ports: Strings,
  working_dir: z.string(),
  user: z.string(),
});
export type ExportConfig = z.infer<typeof ExportConfigSchema>;

export const ContextSchema = z.strictObject({
  /** relative to the project directory, `.` for the project itself; never an absolute machine path */
  path: z.string(),
  /** dockerignore-syntax patterns the client leaves out when sending it */
  exclude: Strings,
  /** when set, only these patterns are sent */
  include: Strings.optional(),
  /**
   * `flag`: the path was given on the command line (e.g. `--cog-sdk ../dist/cog.whl`), so it may lie
   * outside the project; project files never produce such paths, and unmarked contexts must stay inside
   */
  origin: z.literal('flag').optional(),
});
export type Context = z.infer<typeof ContextSchema>;

/**
 * How the image gets cog's OpenAPI schema (label `run.cog.openapi_schema`, file /src/.cog/openapi_schema.json).
 * `plan`: made statically from the predictor source; the label and a code-phase stage carry it. `build`: the
 * source names something only the runtime knows (`reason`, with file:line), so only running
 * `python -m cog.command.openapi_schema` on the built image can make it, and the builder runs it there (no network).
 */
export const OpenApiSchemaSourceSchema = z.discriminatedUnion('made_at', [
  z.strictObject({ made_at: z.literal('plan') }),
  z.strictObject({ made_at: z.literal('build'), reason: NonEmptyString }),
]);
export type OpenApiSchemaSource = z.infer<typeof OpenApiSchemaSourceSchema>;

export const PlanSchema = z.strictObject({
  version: z.literal(PLAN_VERSION),
  platform: PlatformSchema,
  /** the stack that planned it and the blocks it used, in order */
  stack: z.string(),
  blocks: Strings,
  dependencies: z.record(z.string(), DependencySchema),
  base_image: BaseImageSchema,
  build_phases: z.array(PhaseSchema),
  export_phases: z.array(PhaseSchema),
  export: ExportConfigSchema,
  contexts: z.record(z.string(), ContextSchema),
  /** secret ids the build needs; never values */
  secrets: Strings,
  /** cog models only */
  openapi_schema: OpenApiSchemaSourceSchema.optional(),
});
export type PlanData = z.infer<typeof PlanSchema>;
